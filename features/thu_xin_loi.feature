# language: vi
Tính năng: Thư xin lỗi và hẹn lại ngày trả kết quả cho hồ sơ có nguy cơ trễ hạn
  Chậm nhất 01 ngày làm việc trước ngày hẹn trả, nếu hồ sơ chưa giải quyết xong thì cơ quan giải quyết gửi người
  nộp phiếu xin lỗi và hẹn lại ngày trả kết quả (Mẫu 04), nêu rõ lý do chậm và ngày hẹn mới
  (Nghị định 61/2018/NĐ-CP, Điều 19 khoản 9):
  - đúng 01 ngày làm việc trước ngày hẹn, chuyên viên thụ lý nhận việc lập phiếu xin lỗi, chỉ một lần dù bộ xử
    lý hạn chạy nhiều lần;
  - chuyên viên ghi lý do chậm và ngày hẹn mới, lãnh đạo Sở duyệt, ký; phiếu được gửi cho người nộp;
  - lãnh đạo Sở không duyệt thì phiếu trở lại chuyên viên lập lại, chưa gửi gì, ngày hẹn giữ nguyên;
  - phòng chuyên môn dự kiến giải quyết đúng hạn thì đóng việc nhắc là không cần xin lỗi: không gửi phiếu.

  Bối cảnh:
    Biết các quy trình nội bộ của danh mục thủ tục đã được triển khai
    Và bộ phận một cửa tiếp nhận hồ sơ thủ tục 1.004454.000.00.00.H56 tại quầy lúc 08:00 Thứ Hai 02/03/2026
    Và lãnh đạo phòng đã hoàn thành bước "Phân công thụ lý" lúc 10:00 Thứ Hai 02/03/2026

  Kịch bản: Hồ sơ X-quang còn đang thẩm định một ngày làm việc trước ngày hẹn
    Thì ngày hẹn trả kết quả là 08:00 Thứ Ba 17/03/2026
    Khi đến 07:59 Thứ Hai 16/03/2026 mà chuyên viên vẫn đang thẩm định, bộ xử lý hạn chạy
    Thì chưa có việc "Lập phiếu xin lỗi và hẹn lại"
    Khi đến 08:00 Thứ Hai 16/03/2026, bộ xử lý hạn chạy hai lần
    Thì việc "Lập phiếu xin lỗi và hẹn lại" xuất hiện đúng một lần cho Chuyên viên thụ lý
    Và việc "Thẩm định hồ sơ, dự thảo giấy phép" vẫn tiếp tục
    Khi chuyên viên lập phiếu xin lỗi lúc 09:00 Thứ Hai 16/03/2026 với lý do "Chờ kết quả kiểm xạ bổ sung của đơn vị dịch vụ" và hẹn lại 17:00 Thứ Sáu 20/03/2026
    Thì việc "Duyệt, ký phiếu xin lỗi" chờ Lãnh đạo Sở
    Khi lãnh đạo Sở hoàn thành bước "Duyệt, ký phiếu xin lỗi" lúc 10:00 Thứ Hai 16/03/2026
    Thì các phiếu đã gửi cho người nộp là Mẫu 01, Mẫu 04
    Và phiếu xin lỗi (Mẫu 04) nêu lý do "Chờ kết quả kiểm xạ bổ sung của đơn vị dịch vụ" và hẹn lại 17:00 Thứ Sáu 20/03/2026
    Và nếu hệ thống ghi việc dời ngày hẹn thì ngày hẹn mới là 17:00 Thứ Sáu 20/03/2026, ngày hẹn ban đầu giữ nguyên

  Kịch bản: Lãnh đạo Sở không duyệt phiếu xin lỗi thì phiếu trở lại chuyên viên
    Khi đến 08:00 Thứ Hai 16/03/2026, bộ xử lý hạn chạy hai lần
    Và chuyên viên lập phiếu xin lỗi lúc 09:00 Thứ Hai 16/03/2026 với lý do "Chờ kết quả kiểm xạ bổ sung của đơn vị dịch vụ" và hẹn lại 17:00 Thứ Sáu 20/03/2026
    Và lãnh đạo Sở không duyệt phiếu xin lỗi lúc 10:00 Thứ Hai 16/03/2026
    Thì việc "Lập phiếu xin lỗi và hẹn lại" chờ Chuyên viên thụ lý
    Và các phiếu đã gửi cho người nộp là Mẫu 01
    Và ngày hẹn trả kết quả là 08:00 Thứ Ba 17/03/2026
    Khi chuyên viên lập phiếu xin lỗi lúc 10:30 Thứ Hai 16/03/2026 với lý do "Chờ kết quả kiểm xạ bổ sung của đơn vị dịch vụ" và hẹn lại 17:00 Thứ Năm 19/03/2026
    Và lãnh đạo Sở hoàn thành bước "Duyệt, ký phiếu xin lỗi" lúc 11:00 Thứ Hai 16/03/2026
    Thì các phiếu đã gửi cho người nộp là Mẫu 01, Mẫu 04
    Và phiếu xin lỗi (Mẫu 04) nêu lý do "Chờ kết quả kiểm xạ bổ sung của đơn vị dịch vụ" và hẹn lại 17:00 Thứ Năm 19/03/2026

  Kịch bản: Phòng chuyên môn dự kiến giải quyết đúng hạn thì đóng việc nhắc, không gửi phiếu xin lỗi
    Khi đến 08:00 Thứ Hai 16/03/2026, bộ xử lý hạn chạy hai lần
    Và chuyên viên đóng việc "Lập phiếu xin lỗi và hẹn lại" là không cần xin lỗi lúc 09:00 Thứ Hai 16/03/2026
    Thì không có việc "Duyệt, ký phiếu xin lỗi" nào
    Và không có việc "Lập phiếu xin lỗi và hẹn lại" nào
    Và việc "Thẩm định hồ sơ, dự thảo giấy phép" vẫn tiếp tục
    Và các phiếu đã gửi cho người nộp là Mẫu 01
    Và ngày hẹn trả kết quả là 08:00 Thứ Ba 17/03/2026
