# language: vi
Tính năng: Lãnh đạo không đồng ý thì hồ sơ trở lại bước trước để làm lại
  Lãnh đạo phòng xem xét kết quả thẩm định trước khi trình ký, lãnh đạo Sở ký duyệt kết quả giải quyết. Ý kiến
  "không đồng ý" phải ghi rõ lý do và không được để hồ sơ đi tiếp:
  - lãnh đạo phòng không đồng ý: hồ sơ trở lại chuyên viên thụ lý để thẩm định lại, kèm nhận xét của lãnh đạo phòng;
  - lãnh đạo Sở không ký duyệt: hồ sơ trở lại lãnh đạo phòng để xem xét lại, kèm nhận xét của lãnh đạo Sở.
  Bước làm lại là một lượt xử lý mới: hạn của bước tính lại từ lúc hồ sơ được trả lại, theo thời gian được giao cho
  bước đó; ngày hẹn trả kết quả cho người nộp không đổi. Khi lãnh đạo đã đồng ý, hồ sơ đi tiếp như thường lệ đến khi
  trả kết quả (trạng thái 10).
  Thủ tục tuyển chọn, giao trực tiếp nhiệm vụ khoa học và công nghệ đã qua hội đồng tư vấn, nên lãnh đạo phòng không
  đồng ý thì hồ sơ trở lại bước thẩm định kinh phí, thương thảo của chuyên viên, không phải bước kiểm tra tính hợp lệ.

  Bối cảnh:
    Biết các quy trình nội bộ của danh mục thủ tục đã được triển khai

  Kịch bản: Lãnh đạo phòng trả lại dự thảo, lãnh đạo Sở chưa ký; làm lại xong, hồ sơ vẫn trả đúng hẹn
    Biết bộ phận một cửa tiếp nhận hồ sơ thủ tục 1.004454.000.00.00.H56 tại quầy lúc 08:00 Thứ Hai 02/03/2026
    Và lãnh đạo phòng đã hoàn thành bước "Phân công thụ lý" lúc 10:00 Thứ Hai 02/03/2026
    Và chuyên viên thụ lý đã hoàn thành bước "Thẩm định hồ sơ, dự thảo giấy phép" lúc 10:00 Thứ Năm 05/03/2026
    Khi lãnh đạo phòng không đồng ý ở bước "Xem xét, trình ký" lúc 10:00 Thứ Sáu 06/03/2026 với nhận xét "Dự thảo giấy phép ghi sai số sê-ri thiết bị X-quang"
    Thì việc "Thẩm định hồ sơ, dự thảo giấy phép" trở lại chuyên viên thụ lý kèm nhận xét "Dự thảo giấy phép ghi sai số sê-ri thiết bị X-quang"
    Và bước "Thẩm định hồ sơ, dự thảo giấy phép" có hạn mới là 10:00 Thứ Hai 16/03/2026
    Khi chuyên viên thụ lý hoàn thành bước "Thẩm định hồ sơ, dự thảo giấy phép" lúc 14:00 Thứ Sáu 06/03/2026
    Và lãnh đạo phòng hoàn thành bước "Xem xét, trình ký" lúc 08:00 Thứ Hai 09/03/2026
    Và lãnh đạo Sở không ký duyệt ở bước "Ký giấy phép" lúc 10:00 Thứ Hai 09/03/2026 với nhận xét "Ghi rõ căn cứ pháp lý của giấy phép"
    Thì việc "Xem xét, trình ký" trở lại lãnh đạo phòng kèm nhận xét "Ghi rõ căn cứ pháp lý của giấy phép"
    Và bước "Xem xét, trình ký" có hạn mới là 10:00 Thứ Ba 10/03/2026
    Khi lãnh đạo phòng hoàn thành bước "Xem xét, trình ký" lúc 15:00 Thứ Hai 09/03/2026
    Và lãnh đạo Sở hoàn thành bước "Ký giấy phép" lúc 09:00 Thứ Ba 10/03/2026
    Và văn thư hoàn thành bước "Vào sổ, đóng dấu, phát hành" lúc 14:00 Thứ Ba 10/03/2026
    Và bộ phận một cửa hoàn thành bước "Trả kết quả" lúc 08:00 Thứ Tư 11/03/2026
    Thì hồ sơ có trạng thái 10 "Đã trả kết quả"
    Và ngày hẹn trả kết quả là 08:00 Thứ Ba 17/03/2026
    Và các phiếu đã gửi cho người nộp là Mẫu 01
    Và hồ sơ được giải quyết đúng hạn
    Và không còn việc nào của hồ sơ đang chờ xử lý

  Khung kịch bản: Ở mọi thủ tục, ý kiến không đồng ý trả hồ sơ về bước trước, đồng ý thì hồ sơ đi tiếp
    Biết bộ phận một cửa tiếp nhận hồ sơ thủ tục <thủ tục> tại quầy lúc 08:00 Thứ Hai 02/03/2026
    Và cán bộ các bước đã xử lý hồ sơ đến bước "<xem xét>"
    Khi lãnh đạo phòng không đồng ý ở bước "<xem xét>" với nhận xét "Cần làm rõ kết quả thẩm định"
    Thì việc "<thẩm định lại>" trở lại chuyên viên thụ lý kèm nhận xét "Cần làm rõ kết quả thẩm định"
    Khi cán bộ các bước xử lý hồ sơ đến bước "<ký duyệt>"
    Và lãnh đạo Sở không ký duyệt ở bước "<ký duyệt>" với nhận xét "Chưa đủ căn cứ để ký"
    Thì việc "<xem xét>" trở lại lãnh đạo phòng kèm nhận xét "Chưa đủ căn cứ để ký"
    Khi cán bộ các bước xử lý hồ sơ đến hết bước trả kết quả
    Thì hồ sơ có trạng thái 10 "Đã trả kết quả"
    Và không còn việc nào của hồ sơ đang chờ xử lý

    Dữ liệu: Các thủ tục của danh mục
      | thủ tục                | thẩm định lại                                           | xem xét                   | ký duyệt                                     |
      | 1.004454.000.00.00.H56 | Thẩm định hồ sơ, dự thảo giấy phép                      | Xem xét, trình ký         | Ký giấy phép                                 |
      | 1.001849.000.00.00.H56 | Kiểm tra hồ sơ, dự thảo giấy chứng nhận đăng ký         | Xem xét, trình ký         | Ký giấy chứng nhận đăng ký kết quả           |
      | 1.003172.000.00.00.H56 | Thẩm định điều kiện hoạt động, dự thảo giấy chứng nhận  | Xem xét, trình ký         | Ký giấy chứng nhận                           |
      | 1.000047.000.00.00.H56 | Kiểm tra bản công bố, dự thảo thông báo tiếp nhận       | Xem xét, trình ký         | Ký thông báo tiếp nhận hồ sơ công bố hợp quy |
      | 1.002251.000.00.00.H56 | Thẩm định kinh phí, thương thảo nội dung                | Tổng hợp, trình phê duyệt | Phê duyệt tổ chức, cá nhân chủ trì           |
