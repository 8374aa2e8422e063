# language: vi
Tính năng: Rút hồ sơ theo đề nghị của người nộp và dừng xử lý hồ sơ
  Hồ sơ đang giải quyết có thể kết thúc trước khi có kết quả:
  - người nộp đề nghị rút hồ sơ: hồ sơ chuyển trạng thái 7 "Công dân yêu cầu rút hồ sơ";
  - cơ quan giải quyết dừng xử lý hồ sơ: hồ sơ chuyển trạng thái 8 "Dừng xử lý".
  Cả hai trường hợp đều phải ghi lý do; quy trình nội bộ của hồ sơ kết thúc, không còn việc hay hạn nào chờ xử lý,
  cổng dịch vụ công được báo trạng thái mới. Hồ sơ đã giải quyết xong thì không rút hay dừng được nữa.
  Khi Sở dừng xử lý, người nộp nhận thông báo dừng giải quyết hồ sơ (Thông tư 03/2025/TT-VPCP, Mẫu số 05), gửi qua
  hàng đợi như mọi phiếu khác; hồ sơ tiếp nhận trước ngày 01/7/2025 nhận văn bản cùng nội dung theo bộ mẫu cũ, vì
  Thông tư 01/2018/TT-VPCP không có mẫu này.

  Bối cảnh:
    Biết các quy trình nội bộ của danh mục thủ tục đã được triển khai
    Và bộ phận một cửa tiếp nhận hồ sơ thủ tục 1.004454.000.00.00.H56 tại quầy lúc 08:00 Thứ Hai 02/03/2026

  Kịch bản: Tổ chức đề nghị rút hồ sơ
    Khi người nộp đề nghị rút hồ sơ lúc 09:15 Thứ Hai 02/03/2026 với lý do "Tổ chức đề nghị rút hồ sơ để bổ sung thiết bị"
    Thì hồ sơ có trạng thái 7 "Công dân yêu cầu rút hồ sơ"
    Và hồ sơ kết thúc xử lý lúc 09:15 Thứ Hai 02/03/2026
    Và lịch sử hồ sơ ghi việc rút hồ sơ với lý do "Tổ chức đề nghị rút hồ sơ để bổ sung thiết bị"
    Và quy trình của hồ sơ đã hủy, không còn việc hay hạn nào chờ xử lý
    Và cổng dịch vụ công được báo trạng thái 7

  Kịch bản: Sở dừng xử lý hồ sơ
    Khi Sở dừng xử lý hồ sơ lúc 14:00 Thứ Hai 02/03/2026 với lý do "Cơ sở đã giải thể theo thông báo của cơ quan đăng ký kinh doanh"
    Thì hồ sơ có trạng thái 8 "Dừng xử lý"
    Và hồ sơ kết thúc xử lý lúc 14:00 Thứ Hai 02/03/2026
    Và lịch sử hồ sơ ghi việc dừng xử lý với lý do "Cơ sở đã giải thể theo thông báo của cơ quan đăng ký kinh doanh"
    Và quy trình của hồ sơ đã hủy, không còn việc hay hạn nào chờ xử lý
    Và cổng dịch vụ công được báo trạng thái 8
    Và người nộp được gửi thông báo dừng giải quyết hồ sơ (Mẫu số 05) với lý do "Cơ sở đã giải thể theo thông báo của cơ quan đăng ký kinh doanh"

  Kịch bản: Hồ sơ tiếp nhận trước ngày 01/7/2025 bị dừng sau ngày đó vẫn dùng bộ mẫu cũ
    Biết bộ phận một cửa đã tiếp nhận một hồ sơ thủ tục 1.004454.000.00.00.H56 tại quầy lúc 10:00 Thứ Hai 30/06/2025
    Khi Sở dừng xử lý hồ sơ lúc 14:00 Thứ Hai 02/03/2026 với lý do "Cơ sở đã giải thể theo thông báo của cơ quan đăng ký kinh doanh"
    Thì hồ sơ có trạng thái 8 "Dừng xử lý"
    Và người nộp được gửi thông báo dừng giải quyết hồ sơ (không số mẫu) với lý do "Cơ sở đã giải thể theo thông báo của cơ quan đăng ký kinh doanh"

  Kịch bản: Đề nghị rút hồ sơ không ghi lý do thì không được chấp nhận
    Khi người nộp đề nghị rút hồ sơ lúc 09:15 Thứ Hai 02/03/2026 mà không ghi lý do
    Thì hệ thống không cho rút: "Cần ghi lý do rút hồ sơ"
    Và hồ sơ vẫn đang được giải quyết

  Kịch bản: Hồ sơ đã trả kết quả thì không rút được
    Biết hồ sơ đã được giải quyết và trả kết quả lúc 10:00 Thứ Ba 10/03/2026
    Khi người nộp đề nghị rút hồ sơ lúc 09:15 Thứ Tư 11/03/2026 với lý do "Tổ chức đề nghị rút hồ sơ để bổ sung thiết bị"
    Thì hệ thống không cho rút: "không còn trong quá trình giải quyết"
    Và hồ sơ có trạng thái 10 "Đã trả kết quả"
