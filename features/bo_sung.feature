# language: vi
Tính năng: Yêu cầu bổ sung hồ sơ trong quá trình thẩm định
  Hồ sơ phải bổ sung thì cơ quan giải quyết thông báo một lần bằng văn bản những giấy tờ cần bổ sung và lý do
  (Nghị định 61/2018/NĐ-CP, Điều 19 khoản 4); hồ sơ chờ người nộp ở trạng thái 5 "Yêu cầu bổ sung giấy tờ".
  Khi nhận đủ hồ sơ bổ sung, ngày hẹn trả được tính lại theo quy định của từng thủ tục trong danh mục:
  - tính lại từ đầu (X-quang): thời hạn giải quyết tính lại đủ số ngày làm việc kể từ khi nhận đủ hồ sơ;
  - tạm dừng (công bố hợp quy): thời gian chờ bổ sung không tính, ngày hẹn lùi đúng số giờ làm việc đã chờ.
  Ngày hẹn ban đầu trên giấy tiếp nhận (Mẫu 01) vẫn được giữ. Hồ sơ phải bổ sung từ lần thứ hai trở đi bị tính
  là trễ hạn trong bộ chỉ số phục vụ người dân, doanh nghiệp (Quyết định 766/QĐ-TTg).

  Bối cảnh:
    Biết các quy trình nội bộ của danh mục thủ tục đã được triển khai

  Kịch bản: X-quang: nhận đủ hồ sơ bổ sung thì thời hạn giải quyết tính lại từ đầu
    Biết bộ phận một cửa tiếp nhận hồ sơ thủ tục 1.004454.000.00.00.H56 tại quầy lúc 08:00 Thứ Hai 02/03/2026
    Và lãnh đạo phòng đã hoàn thành bước "Phân công thụ lý" lúc 10:00 Thứ Hai 02/03/2026
    Thì ngày hẹn trả kết quả là 08:00 Thứ Ba 17/03/2026
    Khi chuyên viên thẩm định lúc 10:00 Thứ Tư 04/03/2026 yêu cầu bổ sung "Kết quả kiểm xạ khu vực đặt thiết bị" vì "đã hết hạn"
    Thì hồ sơ có trạng thái 5 "Yêu cầu bổ sung giấy tờ"
    Và hồ sơ đã phải bổ sung 1 lần
    Và ngày hẹn trả kết quả là 08:00 Thứ Ba 17/03/2026
    Khi bộ phận một cửa nhận đủ hồ sơ bổ sung lúc 09:00 Thứ Hai 09/03/2026
    Thì hồ sơ có trạng thái 4 "Đang xử lý"
    Và ngày hẹn trả kết quả mới là 09:00 Thứ Ba 24/03/2026, ngày hẹn ban đầu 08:00 Thứ Ba 17/03/2026 giữ nguyên
    Và hệ thống ghi việc dời ngày hẹn từ 08:00 Thứ Ba 17/03/2026 sang 09:00 Thứ Ba 24/03/2026, tính lại đủ 11 ngày làm việc
    Và hồ sơ chưa bị tính là trễ hạn
    Khi chuyên viên thẩm định lúc 10:00 Thứ Ba 10/03/2026 yêu cầu bổ sung "Kết quả kiểm xạ khu vực đặt thiết bị" vì "chưa ký, đóng dấu"
    Thì hồ sơ đã phải bổ sung 2 lần
    Và hồ sơ bị tính là trễ hạn vì phải bổ sung 2 lần

  Kịch bản: Công bố hợp quy: thời gian chờ bổ sung không tính vào thời hạn giải quyết
    Biết bộ phận một cửa tiếp nhận hồ sơ thủ tục 1.000047.000.00.00.H56 tại quầy lúc 08:00 Thứ Hai 02/03/2026
    Và lãnh đạo phòng đã hoàn thành bước "Phân công thụ lý" lúc 09:00 Thứ Hai 02/03/2026
    Thì ngày hẹn trả kết quả là 08:00 Thứ Hai 09/03/2026
    Khi chuyên viên thẩm định lúc 10:00 Thứ Ba 03/03/2026 yêu cầu bổ sung "Giấy chứng nhận đăng ký doanh nghiệp" vì "bản sao không chứng thực"
    Thì hồ sơ có trạng thái 5 "Yêu cầu bổ sung giấy tờ"
    Và hồ sơ đã phải bổ sung 1 lần
    Khi bộ phận một cửa nhận đủ hồ sơ bổ sung lúc 10:00 Thứ Năm 05/03/2026
    Thì hồ sơ có trạng thái 4 "Đang xử lý"
    Và ngày hẹn trả kết quả mới là 08:00 Thứ Tư 11/03/2026, ngày hẹn ban đầu 08:00 Thứ Hai 09/03/2026 giữ nguyên
    Và hệ thống ghi việc dời ngày hẹn từ 08:00 Thứ Hai 09/03/2026 sang 08:00 Thứ Tư 11/03/2026, cộng thêm 16 giờ làm việc chờ bổ sung
    Và hồ sơ chưa bị tính là trễ hạn
    Khi chuyên viên thẩm định lúc 14:00 Thứ Năm 05/03/2026 yêu cầu bổ sung "Mẫu nhãn sản phẩm, hàng hóa" vì "chưa thể hiện dấu hợp quy"
    Thì hồ sơ đã phải bổ sung 2 lần
    Và hồ sơ bị tính là trễ hạn vì phải bổ sung 2 lần
