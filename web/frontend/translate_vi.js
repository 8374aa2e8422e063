// The modeler's own words in Vietnamese (diagram-js's `translate` service): the palette, the context pad, the
// properties panel's groups and fields, the lint button. Words not listed stay as bpmn-js writes them.
const WORDS = {
  'Activate create/remove space tool': 'Thêm/bớt khoảng trống',
  'Activate global connect tool': 'Nối hai phần tử',
  'Activate hand tool': 'Kéo sơ đồ',
  'Activate lasso tool': 'Chọn vùng',
  'Add lane above': 'Thêm làn phía trên',
  'Add lane below': 'Thêm làn phía dưới',
  'Add text annotation': 'Thêm ghi chú',
  'Append end event': 'Nối sự kiện kết thúc',
  'Append gateway': 'Nối cổng rẽ nhánh',
  'Append intermediate/boundary event': 'Nối sự kiện trung gian',
  'Append task': 'Nối công việc',
  'Append timer intermediate catch event': 'Nối sự kiện hẹn giờ',
  'Change element': 'Đổi loại phần tử',
  'Connect to other element': 'Nối tới phần tử khác',
  'Create data object reference': 'Tạo dữ liệu',
  'Create data store reference': 'Tạo kho dữ liệu',
  'Create end event': 'Tạo sự kiện kết thúc',
  'Create expanded sub-process': 'Tạo quy trình con',
  'Create gateway': 'Tạo cổng rẽ nhánh',
  'Create group': 'Tạo nhóm',
  'Create intermediate/boundary event': 'Tạo sự kiện trung gian',
  'Create pool/participant': 'Tạo bể (đơn vị)',
  'Create start event': 'Tạo sự kiện bắt đầu',
  'Create task': 'Tạo công việc',
  Delete: 'Xoá',
  'Divide into three lanes': 'Chia thành ba làn',
  'Divide into two lanes': 'Chia thành hai làn',
  General: 'Chung',
  Name: 'Tên',
  ID: 'Mã (ID)',
  Documentation: 'Mô tả',
  'Element documentation': 'Mô tả phần tử',
  'Process documentation': 'Mô tả quy trình',
  Timer: 'Hẹn giờ',
  Condition: 'Điều kiện',
  'Condition expression': 'Biểu thức điều kiện',
  Script: 'Kịch bản',
  Type: 'Loại',
  Value: 'Giá trị',
  Executable: 'Chạy được',
  'Toggle linting overlays': 'Bật/tắt các cảnh báo của bpmnlint',
  'Issues for child elements': 'Cảnh báo của các phần tử con',
};

export default function translate(template, replacements) {
  const text = WORDS[template] || template;
  return text.replace(/{([^}]+)}/g, (_, key) => (replacements && key in replacements ? replacements[key] : `{${key}}`));
}

export const TranslateModule = { translate: ['value', translate] };
