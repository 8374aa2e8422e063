# language: vi
Tính năng: Hồ sơ được giải quyết đúng hạn khi mỗi bước làm đúng thời gian được giao
  Quy trình nội bộ của mỗi thủ tục chia thời hạn giải quyết cho từng bước (tiếp nhận, phân công, thẩm định,
  xem xét, ký duyệt, phát hành, trả kết quả); tổng thời gian các bước bằng thời hạn giải quyết của thủ tục.
  Vì vậy khi cán bộ của mỗi bước đều hoàn thành trong thời gian được giao thì hồ sơ được trả đúng hẹn:
  - bộ phận một cửa gửi người nộp giấy tiếp nhận và hẹn trả kết quả (Mẫu 01);
  - hồ sơ kết thúc ở trạng thái 10 "Đã trả kết quả";
  - thời điểm xử lý xong không muộn hơn ngày hẹn trả (Quyết định 766/QĐ-TTg), không phải xin lỗi người nộp.
  Việc nhắc lập phiếu xin lỗi (01 ngày làm việc, hoặc 02 giờ làm việc, trước ngày hẹn) có thể đến khi các bước vẫn
  còn trong hạn; phòng chuyên môn dự kiến giải quyết đúng hạn nên đóng việc nhắc là không cần xin lỗi: không gửi
  Mẫu 04, ngày hẹn trả giữ nguyên.
  Hồ sơ nộp tại quầy đã được kiểm tra trước khi đăng ký nên được cấp Mẫu 01 ngay khi tiếp nhận, quy trình bắt đầu
  từ bước sau bước "Tiếp nhận, kiểm tra hồ sơ"; hồ sơ nộp trực tuyến hoặc qua bưu chính đi qua bước đó.
  Thủ tục tính theo ngày lịch: thời hạn của thủ tục hết vào ngày nghỉ thì lùi sang ngày làm việc tiếp theo (Bộ luật
  Dân sự Điều 148), còn hạn của từng bước hết vào ngày nghỉ thì lùi về cuối ngày làm việc liền trước, để các bước
  làm đúng hạn không đẩy hồ sơ quá ngày hẹn trả.

  Bối cảnh:
    Biết các quy trình nội bộ của danh mục thủ tục đã được triển khai

  Khung kịch bản: Mỗi bước hoàn thành trong thời gian được giao thì hồ sơ trả đúng hẹn
    Biết bộ phận một cửa tiếp nhận hồ sơ thủ tục <thủ tục> <kênh> lúc 08:00 Thứ Hai 02/03/2026
    Và chuyên viên thụ lý đóng việc "Lập phiếu xin lỗi và hẹn lại" là không cần xin lỗi ngay khi nhận, vì hồ sơ vẫn trong hạn
    Khi cán bộ của từng bước hoàn thành bước đó sau khi dùng <phần> thời gian được giao, đến hết bước trả kết quả
    Thì hồ sơ có trạng thái 10 "Đã trả kết quả"
    Và giấy tiếp nhận và hẹn trả kết quả (Mẫu 01) ghi hẹn trả <hẹn trả>
    Và việc nhắc lập phiếu xin lỗi <nhắc xin lỗi>
    Và ngày hẹn trả kết quả là <hẹn trả>
    Và các phiếu đã gửi cho người nộp là Mẫu 01
    Và hồ sơ được giải quyết đúng hạn
    Và không còn việc nào của hồ sơ đang chờ xử lý

    Dữ liệu: Các bước làm xong khi mới dùng một nửa thời gian được giao
      | thủ tục                | kênh           | phần     | hẹn trả                  | nhắc xin lỗi                  |
      | 1.004454.000.00.00.H56 | tại quầy       | một nửa  | 08:00 Thứ Ba 17/03/2026  | không xuất hiện               |
      | 1.001849.000.00.00.H56 | tại quầy       | một nửa  | 08:00 Thứ Ba 03/03/2026  | không xuất hiện               |
      | 1.003172.000.00.00.H56 | tại quầy       | một nửa  | 08:00 Thứ Hai 23/03/2026 | không xuất hiện               |
      | 1.000047.000.00.00.H56 | tại quầy       | một nửa  | 08:00 Thứ Hai 09/03/2026 | không xuất hiện               |
      | 1.002251.000.00.00.H56 | tại quầy       | một nửa  | 17:00 Thứ Hai 04/05/2026 | không xuất hiện               |

    Dữ liệu: Các bước làm xong sát hạn của bước (nhắc xin lỗi bật khi hồ sơ chưa trễ, được đóng là không cần)
      | thủ tục                | kênh           | phần     | hẹn trả                  | nhắc xin lỗi                  |
      | 1.004454.000.00.00.H56 | nộp trực tuyến | gần hết  | 08:00 Thứ Ba 17/03/2026  | đã được đóng là không cần     |
      | 1.001849.000.00.00.H56 | nộp trực tuyến | gần hết  | 08:00 Thứ Ba 03/03/2026  | đã được đóng là không cần     |
      | 1.003172.000.00.00.H56 | nộp trực tuyến | gần hết  | 08:00 Thứ Hai 23/03/2026 | đã được đóng là không cần     |
      | 1.000047.000.00.00.H56 | nộp trực tuyến | gần hết  | 08:00 Thứ Hai 09/03/2026 | đã được đóng là không cần     |

    Dữ liệu: Thủ tục tính theo ngày lịch: hạn của bước rơi vào ngày nghỉ thì lùi về ngày làm việc liền trước, nên các bước làm sát hạn vẫn xong trước việc nhắc xin lỗi
      | thủ tục                | kênh           | phần     | hẹn trả                  | nhắc xin lỗi                  |
      | 1.002251.000.00.00.H56 | qua bưu chính  | gần hết  | 17:00 Thứ Hai 04/05/2026 | không xuất hiện               |
