# language: vi
Tính năng: Hồ sơ tiếp nhận chiều Thứ Sáu trước kỳ nghỉ Tết Bính Ngọ 2026
  Tết 2026 cơ quan nghỉ từ Thứ Bảy 14/02 đến hết Chủ Nhật 22/02/2026 (nghỉ Tết từ Thứ Hai 16/02 đến Thứ Sáu 20/02).
  Giờ chốt tiếp nhận là 17:00, giờ làm việc 07:30-11:30 và 13:00-17:00:
  - hồ sơ nhận trước 17:00 thì thời hạn tính ngay từ lúc nhận; hồ sơ nhận lúc 16:55 Thứ Sáu 13/02 dùng 5 phút
    của chiều Thứ Sáu, phần còn lại tính tiếp từ 07:30 Thứ Hai 23/02, ngày làm việc đầu tiên sau Tết;
  - hồ sơ nhận từ 17:00 trở đi thì thời hạn tính từ 07:30 ngày làm việc tiếp theo, tức Thứ Hai 23/02;
  - ngày hẹn trả được ghi vào giấy tiếp nhận và hẹn trả kết quả (Mẫu 01) cấp cho người nộp; hồ sơ nộp tại quầy đã
    được kiểm tra trước khi đăng ký nên Mẫu 01 được cấp ngay lúc tiếp nhận.

  Bối cảnh:
    Biết các quy trình nội bộ của danh mục thủ tục đã được triển khai

  Khung kịch bản: Ngày hẹn trả của hồ sơ nhận chiều Thứ Sáu 13/02/2026
    Khi bộ phận một cửa tiếp nhận hồ sơ thủ tục <thủ tục> tại quầy lúc <tiếp nhận>
    Thì thời hạn giải quyết bắt đầu tính từ <bắt đầu>
    Và ngày hẹn trả kết quả là <hẹn trả>
    Và giấy tiếp nhận và hẹn trả kết quả (Mẫu 01) được cấp lúc <tiếp nhận>, ghi hẹn trả <hẹn trả>

    Dữ liệu: Thủ tục giải quyết trong 8 giờ làm việc (Đăng ký kết quả thực hiện nhiệm vụ KH&CN)
      | thủ tục                | tiếp nhận                | bắt đầu                  | hẹn trả                  |
      | 1.001849.000.00.00.H56 | 16:55 Thứ Sáu 13/02/2026 | 16:55 Thứ Sáu 13/02/2026 | 16:55 Thứ Hai 23/02/2026 |
      | 1.001849.000.00.00.H56 | 17:05 Thứ Sáu 13/02/2026 | 07:30 Thứ Hai 23/02/2026 | 17:00 Thứ Hai 23/02/2026 |

    Dữ liệu: Thủ tục giải quyết trong 5 ngày làm việc (Đăng ký công bố hợp quy)
      | thủ tục                | tiếp nhận                | bắt đầu                  | hẹn trả                  |
      | 1.000047.000.00.00.H56 | 16:55 Thứ Sáu 13/02/2026 | 16:55 Thứ Sáu 13/02/2026 | 16:55 Thứ Sáu 27/02/2026 |
      | 1.000047.000.00.00.H56 | 17:05 Thứ Sáu 13/02/2026 | 07:30 Thứ Hai 23/02/2026 | 17:00 Thứ Sáu 27/02/2026 |
