# language: vi
Tính năng: Tính thời hạn giải quyết hồ sơ theo lịch làm việc
  Để hẹn trả kết quả đúng quy định, bộ phận một cửa tính thời hạn theo ngày làm việc, giờ làm việc
  hoặc ngày (theo lịch) như thủ tục quy định.

  - Cơ quan nghỉ Thứ Bảy, Chủ Nhật, các ngày lễ, Tết, ngày nghỉ bù và các ngày nghỉ do hoán đổi ngày làm việc;
    ngày làm bù (kể cả Thứ Bảy) là ngày làm việc.
  - 8 giờ làm việc là một ngày làm việc; nửa ngày là 4 giờ làm việc.
  - Tiếp nhận trong giờ làm việc thì N ngày làm việc hết vào đúng giờ đó của ngày làm việc thứ N tiếp theo.
    Tiếp nhận ngoài giờ (buổi tối, nghỉ trưa, ngày nghỉ) thì bắt đầu tính từ giờ mở cửa kế tiếp.
  - Hạn rơi đúng giờ mở cửa thì ghi là giờ đóng cửa liền trước: 17:00 ngày làm việc trước đó chứ không ghi
    07:30; 11:30 chứ không ghi 13:00.
  - Thời hạn tính bằng ngày bắt đầu từ ngày hôm sau và kết thúc lúc 17:00 ngày cuối cùng; nếu ngày cuối cùng
    là ngày nghỉ thì kết thúc lúc 17:00 ngày làm việc tiếp theo (Bộ luật Dân sự 2015, Điều 147-148).
  - Tính lùi (trước một mốc) theo đúng các quy tắc trên, theo chiều ngược lại.

  Bối cảnh:
    Biết lịch làm việc gồm các ngày hoán đổi đã công bố
    Và giờ làm việc buổi sáng từ 07:30 đến 11:30, buổi chiều từ 13:00 đến 17:00

  Khung kịch bản: Ngày hẹn trả kết quả tính từ lúc tiếp nhận
    Khi hồ sơ được tiếp nhận lúc <tiếp nhận>
    Và thời hạn giải quyết là <thời hạn> <đơn vị>
    Thì ngày hẹn trả kết quả là <hẹn trả>

    Dữ liệu: Ngày làm việc và giờ làm việc
      | tiếp nhận                | thời hạn | đơn vị        | hẹn trả                  |
      | 16:55 Thứ Sáu 13/02/2026 | 1        | giờ làm việc  | 08:25 Thứ Hai 23/02/2026 |
      | 09:00 Thứ Ba 10/02/2026  | 11       | ngày làm việc | 09:00 Thứ Tư 04/03/2026  |
      | 14:00 Thứ Năm 24/04/2025 | 11       | ngày làm việc | 14:00 Thứ Ba 13/05/2025  |
      | 09:00 Thứ Hai 02/03/2026 | 0,5      | ngày làm việc | 14:30 Thứ Hai 02/03/2026 |
      | 07:30 Thứ Hai 02/03/2026 | 1        | ngày làm việc | 17:00 Thứ Hai 02/03/2026 |
      | 13:00 Thứ Hai 02/03/2026 | 1        | ngày làm việc | 11:30 Thứ Ba 03/03/2026  |
      | 12:00 Thứ Hai 02/03/2026 | 1        | giờ làm việc  | 14:00 Thứ Hai 02/03/2026 |
      | 10:00 Thứ Bảy 28/02/2026 | 1        | ngày làm việc | 17:00 Thứ Hai 02/03/2026 |
      | 16:30 Thứ Sáu 09/01/2026 | 1        | giờ làm việc  | 08:00 Thứ Bảy 10/01/2026 |
      | 10:00 Thứ Sáu 24/04/2026 | 1        | ngày làm việc | 10:00 Thứ Ba 28/04/2026  |
      | 10:00 Thứ Sáu 28/08/2026 | 1        | ngày làm việc | 10:00 Thứ Năm 03/09/2026 |

    Dữ liệu: Ngày theo lịch
      | tiếp nhận                | thời hạn | đơn vị | hẹn trả                  |
      | 10:00 Thứ Hai 02/03/2026 | 7        | ngày   | 17:00 Thứ Hai 09/03/2026 |
      | 10:00 Thứ Sáu 06/02/2026 | 10       | ngày   | 17:00 Thứ Hai 23/02/2026 |
      | 10:00 Thứ Năm 05/03/2026 | 2        | ngày   | 17:00 Thứ Hai 09/03/2026 |
      | 10:00 Thứ Tư 01/04/2026  | 30       | ngày   | 17:00 Thứ Hai 04/05/2026 |

  Khung kịch bản: Hạn phải xong trước một mốc
    Khi mốc là <mốc>
    Và việc phải xong trước mốc đó <thời hạn> <đơn vị>
    Thì hạn chót là <hạn chót>

    Dữ liệu:
      | mốc                      | thời hạn | đơn vị        | hạn chót                 |
      | 17:00 Thứ Sáu 06/03/2026 | 1        | ngày làm việc | 17:00 Thứ Năm 05/03/2026 |
      | 10:00 Thứ Ba 03/03/2026  | 1        | ngày làm việc | 10:00 Thứ Hai 02/03/2026 |
      | 10:00 Thứ Hai 23/02/2026 | 1        | ngày làm việc | 10:00 Thứ Sáu 13/02/2026 |
      | 15:00 Thứ Hai 02/03/2026 | 2        | giờ làm việc  | 11:30 Thứ Hai 02/03/2026 |
      | 17:00 Thứ Hai 09/03/2026 | 7        | ngày          | 17:00 Thứ Hai 02/03/2026 |

  Khung kịch bản: Hồ sơ nộp sau giờ chốt được tính từ sáng ngày làm việc tiếp theo
    Biết giờ chốt tiếp nhận hồ sơ là 15:00
    Khi hồ sơ được tiếp nhận lúc <tiếp nhận>
    Thì thời hạn bắt đầu tính từ <bắt đầu>

    Dữ liệu:
      | tiếp nhận                | bắt đầu                  |
      | 10:00 Thứ Hai 02/03/2026 | 10:00 Thứ Hai 02/03/2026 |
      | 15:30 Thứ Hai 02/03/2026 | 07:30 Thứ Ba 03/03/2026  |
      | 12:00 Thứ Hai 02/03/2026 | 13:00 Thứ Hai 02/03/2026 |
      | 09:00 Thứ Bảy 07/03/2026 | 07:30 Thứ Hai 09/03/2026 |
      | 16:00 Thứ Sáu 13/02/2026 | 07:30 Thứ Hai 23/02/2026 |

  Khung kịch bản: Ngày nghỉ lễ, nghỉ bù và ngày làm bù
    Thì <ngày> là <loại>
    Và lý do là "<lý do>"

    Dữ liệu:
      | ngày               | loại          | lý do                                |
      | Thứ Năm 01/01/2026 | ngày nghỉ     | Tết Dương lịch                       |
      | Thứ Sáu 02/01/2026 | ngày nghỉ     | nghỉ Thứ Sáu 02/01/2026              |
      | Thứ Bảy 10/01/2026 | ngày làm việc | làm bù Thứ Bảy 10/01/2026            |
      | Thứ Bảy 14/02/2026 | ngày nghỉ     | Thứ Bảy                              |
      | Thứ Hai 16/02/2026 | ngày nghỉ     | Giao thừa Tết Nguyên Đán             |
      | Thứ Sáu 20/02/2026 | ngày nghỉ     | Mùng bốn Tết Nguyên Đán              |
      | Thứ Hai 27/04/2026 | ngày nghỉ     | Giỗ Tổ Hùng Vương (nghỉ bù)          |
      | Thứ Bảy 22/08/2026 | ngày làm việc | Làm bù cho ngày nghỉ 31/08/2026      |
      | Thứ Hai 31/08/2026 | ngày nghỉ     | thay cho ngày 22/08/2026             |
      | Thứ Bảy 26/04/2025 | ngày làm việc | Làm bù cho ngày nghỉ 02/05/2025      |
      | Thứ Sáu 02/05/2025 | ngày nghỉ     | thay cho ngày 26/04/2025             |
      | Thứ Ba 02/09/2025  | ngày nghỉ     | Quốc khánh                           |
