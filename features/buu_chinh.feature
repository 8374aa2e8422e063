# language: vi
Tính năng: Hồ sơ nộp qua dịch vụ bưu chính công ích
  Hồ sơ gửi qua bưu chính công ích được coi là đã nộp khi nhân viên bưu chính và bộ phận một cửa ký biên bản
  giao nhận (Quyết định 45/2016/QĐ-TTg, Điều 7 khoản 4). Thời hạn giải quyết và ngày hẹn trả tính từ lúc ký biên
  bản đó, không tính từ lúc cán bộ nhập hồ sơ vào hệ thống; mã hồ sơ mang ngày ký biên bản.
  Biên bản ký sau giờ chốt (17:00) thì thời hạn tính từ 07:30 ngày làm việc tiếp theo như hồ sơ nộp tại quầy.

  Bối cảnh:
    Biết các quy trình nội bộ của danh mục thủ tục đã được triển khai

  Khung kịch bản: Thời hạn tính từ lúc ký biên bản giao nhận với bưu chính
    Biết biên bản giao nhận hồ sơ thủ tục <thủ tục> với nhân viên bưu chính được ký lúc <ký biên bản>
    Khi bộ phận một cửa nhập hồ sơ đó vào hệ thống lúc <nhập>
    Thì hồ sơ được coi là nộp lúc <ký biên bản>, mã hồ sơ mang ngày <ngày mã>
    Và thời hạn giải quyết bắt đầu tính từ <bắt đầu>
    Và ngày hẹn trả kết quả là <hẹn trả>

    Dữ liệu:
      | thủ tục                | ký biên bản              | nhập                     | ngày mã | bắt đầu                  | hẹn trả                  |
      | 1.000047.000.00.00.H56 | 10:00 Thứ Sáu 27/02/2026 | 08:00 Thứ Hai 02/03/2026 | 260227  | 10:00 Thứ Sáu 27/02/2026 | 10:00 Thứ Sáu 06/03/2026 |
      | 1.004454.000.00.00.H56 | 15:30 Thứ Năm 12/02/2026 | 08:00 Thứ Hai 23/02/2026 | 260212  | 15:30 Thứ Năm 12/02/2026 | 15:30 Thứ Sáu 06/03/2026 |
      | 1.000047.000.00.00.H56 | 17:30 Thứ Sáu 27/02/2026 | 08:00 Thứ Hai 02/03/2026 | 260227  | 07:30 Thứ Hai 02/03/2026 | 17:00 Thứ Sáu 06/03/2026 |

  Kịch bản: Không nhận hồ sơ bưu chính khi chưa ghi giờ ký biên bản giao nhận
    Khi bộ phận một cửa nhập hồ sơ thủ tục 1.000047.000.00.00.H56 nhận qua bưu chính mà không ghi giờ ký biên bản
    Thì hệ thống không tiếp nhận và nhắc ghi thời điểm ký biên bản giao nhận với nhân viên bưu chính
    Và không có hồ sơ nào được đánh mã
