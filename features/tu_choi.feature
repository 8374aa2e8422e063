# language: vi
Tính năng: Từ chối giải quyết hồ sơ sau khi thẩm định
  Hồ sơ không đủ điều kiện giải quyết thì cơ quan giải quyết trả lại hồ sơ kèm thông báo bằng văn bản nêu rõ
  lý do, trong thời hạn giải quyết (Nghị định 61/2018/NĐ-CP, Điều 19 khoản 8; điều tương ứng của Nghị định
  118/2025 chưa đối chiếu được): người nộp nhận văn bản từ chối giải quyết của cơ quan giải quyết, do lãnh đạo ký,
  không phải phiếu từ chối tiếp nhận (Mẫu 03) của người tiếp nhận hồ sơ; hồ sơ kết thúc ở trạng thái 3
  "Không được tiếp nhận" và không còn việc nào phải làm.

  Bối cảnh:
    Biết các quy trình nội bộ của danh mục thủ tục đã được triển khai

  Kịch bản: Thiết bị X-quang đặt trong phòng không đạt yêu cầu che chắn
    Biết bộ phận một cửa tiếp nhận hồ sơ thủ tục 1.004454.000.00.00.H56 tại quầy lúc 08:00 Thứ Hai 02/03/2026
    Và lãnh đạo phòng đã hoàn thành bước "Phân công thụ lý" lúc 10:00 Thứ Hai 02/03/2026
    Khi chuyên viên thẩm định lúc 10:00 Thứ Năm 05/03/2026 kết luận hồ sơ không đủ điều kiện vì "Phòng đặt máy X-quang không đạt yêu cầu che chắn; chưa có kết quả kiểm xạ khu vực đặt thiết bị"
    Thì hồ sơ có trạng thái 3 "Không được tiếp nhận"
    Và các phiếu đã gửi cho người nộp là Mẫu 01, văn bản từ chối giải quyết
    Và văn bản từ chối giải quyết của "Phòng Quản lý chuyên ngành" nêu lý do "Phòng đặt máy X-quang không đạt yêu cầu che chắn; chưa có kết quả kiểm xạ khu vực đặt thiết bị"
    Và văn bản từ chối giải quyết do lãnh đạo ký, không phải người tiếp nhận hồ sơ
    Và hồ sơ được giải quyết đúng hạn
    Và không còn việc nào của hồ sơ đang chờ xử lý
