# language: vi
Tính năng: Gia hạn ngày trả kết quả bằng phiếu xin lỗi và hẹn lại
  Hồ sơ quá hạn giải quyết thì cơ quan giải quyết gửi người nộp phiếu xin lỗi và hẹn lại ngày trả kết quả
  (Mẫu 04); việc hẹn lại ngày trả kết quả chỉ được thực hiện một lần (Nghị định 61/2018/NĐ-CP, Điều 19 khoản 9):
  - khi lãnh đạo Sở ký phiếu xin lỗi, ngày hẹn mới thay ngày hẹn cũ, ngày hẹn ban đầu trên Mẫu 01 vẫn được giữ;
  - việc dời ngày hẹn được ghi vào lịch sử hồ sơ và báo cho bộ phận một cửa;
  - hồ sơ đã hẹn lại một lần thì không được hẹn lại lần nữa: phiếu không được ký, hồ sơ giữ nguyên.

  Bối cảnh:
    Biết các quy trình nội bộ của danh mục thủ tục đã được triển khai
    Và bộ phận một cửa tiếp nhận hồ sơ thủ tục 1.004454.000.00.00.H56 tại quầy lúc 08:00 Thứ Hai 02/03/2026
    Và lãnh đạo phòng đã hoàn thành bước "Phân công thụ lý" lúc 10:00 Thứ Hai 02/03/2026

  Kịch bản: Phiếu xin lỗi được ký thì ngày hẹn mới thay ngày hẹn cũ
    Thì ngày hẹn trả kết quả là 08:00 Thứ Ba 17/03/2026
    Khi bộ xử lý hạn chạy lúc 09:00 Thứ Hai 16/03/2026
    Thì chuyên viên thụ lý nhận việc "Lập phiếu xin lỗi và hẹn lại"
    Khi chuyên viên lập phiếu xin lỗi lúc 09:30 Thứ Hai 16/03/2026 với lý do "Chờ kết quả kiểm xạ bổ sung của đơn vị dịch vụ" và hẹn lại 08:00 Thứ Sáu 20/03/2026
    Và lãnh đạo Sở hoàn thành bước "Duyệt, ký phiếu xin lỗi" lúc 10:00 Thứ Hai 16/03/2026
    Thì ngày hẹn trả kết quả mới là 08:00 Thứ Sáu 20/03/2026, ngày hẹn ban đầu 08:00 Thứ Ba 17/03/2026 giữ nguyên
    Và hồ sơ đã được hẹn lại 1 lần
    Và hệ thống ghi việc dời ngày hẹn từ 08:00 Thứ Ba 17/03/2026 sang 08:00 Thứ Sáu 20/03/2026 do hẹn lại, lý do "Chờ kết quả kiểm xạ bổ sung của đơn vị dịch vụ"
    Và bộ phận một cửa được báo ngày hẹn mới 08:00 Thứ Sáu 20/03/2026
    Và các phiếu đã gửi cho người nộp là Mẫu 01, Mẫu 04

  Kịch bản: Hồ sơ đã hẹn lại một lần thì không được hẹn lại lần thứ hai
    Biết hồ sơ đã được hẹn lại ngày trả kết quả một lần trước đó
    Khi bộ xử lý hạn chạy lúc 09:00 Thứ Hai 16/03/2026
    Và chuyên viên lập phiếu xin lỗi lúc 09:30 Thứ Hai 16/03/2026 với lý do "Chờ kết quả kiểm xạ bổ sung của đơn vị dịch vụ" và hẹn lại 08:00 Thứ Sáu 20/03/2026
    Và lãnh đạo Sở ký phiếu xin lỗi lúc 10:00 Thứ Hai 16/03/2026
    Thì hệ thống không cho hẹn lại: "chỉ được hẹn lại một lần"
    Và ngày hẹn trả kết quả vẫn là 08:00 Thứ Ba 17/03/2026, đã hẹn lại 1 lần
    Và lịch sử hồ sơ không thay đổi, việc "Duyệt, ký phiếu xin lỗi" vẫn chờ Lãnh đạo Sở
    Và các phiếu đã gửi cho người nộp là Mẫu 01
