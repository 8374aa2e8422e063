// The properties panel's group for motcua: what the engine reads from a diagram, edited by choosing, never typed as
// extension XML. A lane's role (the lane's name is the role's lane, engine.domain.permissions.LANE_ROLES); a user
// task's allotment (number + unit), its form (processes/forms/) and the national portal status it sets; a call
// activity's called process (a choice of the shared definitions) and allotment; a timer's deadline built from the
// calendar helpers (N working days/hours before or after the appointment, the reception...) and shown in words.
// Properties are
// written as `<spiffworkflow:property name="..." value="..."/>`, as the shipped procedures carry them.
//
// The choices come from the page: `new Modeler({motcua: {roles, called, forms, statuses}})`, each a list of
// {value, label}.
import { h } from '@bpmn-io/properties-panel/preact';
import { SelectEntry, TextFieldEntry, isSelectEntryEdited, isTextFieldEntryEdited } from '@bpmn-io/properties-panel';
import { useService } from 'bpmn-js-properties-panel';
import { getBusinessObject, is } from 'bpmn-js/lib/util/ModelUtil';

const LOW_PRIORITY = 500;
const ALLOTMENT = /^\s*(\d+(?:[.,]\d+)?)\s*(cd|d|h)\s*$/i;
export const UNITS = [
  { value: 'd', label: 'ngày làm việc' },
  { value: 'h', label: 'giờ làm việc' },
  { value: 'cd', label: 'ngày (theo lịch)' },
];

/** The value of `<spiffworkflow:property name=name>` of a business object, or undefined. */
export function readProperty(bo, name) {
  const extensions = bo.get('extensionElements');
  const container = extensions && extensions.get('values').find((v) => is(v, 'spiffworkflow:Properties'));
  const found = container && container.get('properties').find((p) => p.get('name') === name);
  return found ? found.get('value') : undefined;
}

/** Set (or, for an empty value, remove) a spiffworkflow property through the modeling commands (undoable). */
export function writeProperty(element, name, value, { bpmnFactory, moddle, modeling }) {
  const bo = getBusinessObject(element);
  let extensions = bo.get('extensionElements');
  if (!extensions) {
    if (value === '' || value == null) {
      return;
    }
    extensions = bpmnFactory.create('bpmn:ExtensionElements', { values: [] });
    extensions.$parent = bo;
    modeling.updateProperties(element, { extensionElements: extensions });
  }
  let container = extensions.get('values').find((v) => is(v, 'spiffworkflow:Properties'));
  if (!container) {
    container = moddle.create('spiffworkflow:Properties', { properties: [] });
    container.$parent = extensions;
    modeling.updateModdleProperties(element, extensions, { values: [...extensions.get('values'), container] });
  }
  const properties = container.get('properties');
  const existing = properties.find((p) => p.get('name') === name);
  if (value === '' || value == null) {
    if (existing) {
      modeling.updateModdleProperties(element, container, { properties: properties.filter((p) => p !== existing) });
    }
  } else if (existing) {
    modeling.updateModdleProperties(element, existing, { value });
  } else {
    const created = moddle.create('spiffworkflow:Property', { name, value });
    created.$parent = container;
    modeling.updateModdleProperties(element, container, { properties: [...properties, created] });
  }
}

/** "0.5d" -> {amount: "0,5", unit: "d"}; anything unreadable -> {amount: "", unit: "d"}. */
export function splitAllotment(text) {
  const match = ALLOTMENT.exec(text || '');
  return match ? { amount: match[1].replace('.', ','), unit: match[2].toLowerCase() } : { amount: '', unit: 'd' };
}

/** The allotment in words, e.g. "0,5 ngày làm việc". */
export function allotmentWords(text) {
  const { amount, unit } = splitAllotment(text);
  const found = UNITS.find((u) => u.value === unit);
  return amount ? `${amount} ${found.label}` : '';
}

function useServices() {
  return {
    bpmnFactory: useService('bpmnFactory'),
    moddle: useService('moddle'),
    modeling: useService('modeling'),
  };
}

function choices(list, none) {
  return () => [{ value: '', label: none }, ...(list || [])];
}

function LaneRole({ element, id, roles }) {
  const modeling = useService('modeling');
  return h(SelectEntry, {
    element,
    id,
    label: 'Vai trò xử lý (làn)',
    description: 'Người có vai trò này xử lý các công việc trong làn; tên làn là tên vai trò.',
    getValue: (el) => {
      const name = getBusinessObject(el).get('name') || '';
      return (roles || []).some((r) => r.value === name) ? name : '';
    },
    setValue: (value) => modeling.updateProperties(element, { name: value || undefined }),
    getOptions: choices(roles, '(chưa gắn vai trò)'),
  });
}

function CalledProcess({ element, id, called }) {
  const modeling = useService('modeling');
  return h(SelectEntry, {
    element,
    id,
    label: 'Quy trình dùng chung được gọi',
    getValue: (el) => getBusinessObject(el).get('calledElement') || '',
    setValue: (value) => modeling.updateProperties(element, { calledElement: value || undefined }),
    getOptions: (el) => {
      const current = getBusinessObject(el).get('calledElement');
      const known = called || [];
      const extra = current && !known.some((c) => c.value === current) ? [{ value: current, label: current }] : [];
      return [{ value: '', label: '(chưa chọn)' }, ...known, ...extra];
    },
  });
}

function AllotmentAmount({ element, id }) {
  const services = useServices();
  const current = () => splitAllotment(readProperty(getBusinessObject(element), 'allotment'));
  return h(TextFieldEntry, {
    element,
    id,
    label: 'Thời hạn của bước (số)',
    description: allotmentWords(readProperty(getBusinessObject(element), 'allotment')),
    debounce: (fn) => fn,
    getValue: () => current().amount,
    setValue: (value) => {
      const amount = (value || '').trim().replace(',', '.');
      writeProperty(element, 'allotment', amount ? `${amount}${current().unit}` : '', services);
    },
    validate: (value) => (!value || /^\d+([.,]\d+)?$/.test(value.trim()) ? null : 'Nhập một số, ví dụ 0,5 hoặc 2'),
  });
}

function AllotmentUnit({ element, id }) {
  const services = useServices();
  const current = () => splitAllotment(readProperty(getBusinessObject(element), 'allotment'));
  return h(SelectEntry, {
    element,
    id,
    label: 'Đơn vị thời hạn',
    getValue: () => current().unit,
    setValue: (unit) => {
      const amount = current().amount.replace(',', '.');
      if (amount) {
        writeProperty(element, 'allotment', `${amount}${unit}`, services);
      }
    },
    getOptions: () => UNITS,
  });
}

function propertyChoice(name, label, listOf, none) {
  return function Choice({ element, id, config }) {
    const services = useServices();
    return h(SelectEntry, {
      element,
      id,
      label,
      getValue: () => readProperty(getBusinessObject(element), name) || '',
      setValue: (value) => writeProperty(element, name, value, services),
      getOptions: choices(listOf(config), none),
    });
  };
}

function EnglishName({ element, id }) {
  const services = useServices();
  return h(TextFieldEntry, {
    element,
    id,
    label: 'Tên tiếng Anh',
    description: 'Tên của bước trên giao diện tiếng Anh; để trống thì dùng tên tiếng Việt.',
    debounce: (fn) => fn,
    getValue: () => readProperty(getBusinessObject(element), 'name_en') || '',
    setValue: (value) => writeProperty(element, 'name_en', (value || '').trim(), services),
  });
}

const FormChoice = propertyChoice('form', 'Biểu mẫu (processes/forms)', (c) => c.forms, '(không có biểu mẫu)');
const StatusChoice = propertyChoice(
  'portal_status',
  'Trạng thái trên Cổng DVC quốc gia',
  (c) => c.statuses,
  '(không đổi trạng thái)'
);

function entries(element, config) {
  const isEdited = isSelectEntryEdited;
  if (is(element, 'bpmn:Event') && timerDefinition(element) && !timerDefinition(element).get('timeDuration')
      && !timerDefinition(element).get('timeCycle')) {
    return [
      { id: 'motcua-timer-anchor', component: TimerAnchor, isEdited },
      { id: 'motcua-timer-direction', component: TimerDirection, isEdited },
      { id: 'motcua-timer-amount', component: TimerAmount, isEdited: isTextFieldEntryEdited },
      { id: 'motcua-timer-unit', component: TimerUnit, isEdited },
    ];
  }
  if (is(element, 'bpmn:Lane')) {
    return [{ id: 'motcua-role', component: (p) => h(LaneRole, { ...p, roles: config.roles }), isEdited }];
  }
  const english = { id: 'motcua-name-en', component: EnglishName, isEdited: isTextFieldEntryEdited };
  if (is(element, 'bpmn:UserTask')) {
    return [
      english,
      { id: 'motcua-allotment', component: AllotmentAmount, isEdited: isTextFieldEntryEdited },
      { id: 'motcua-allotment-unit', component: AllotmentUnit, isEdited },
      { id: 'motcua-form', component: (p) => h(FormChoice, { ...p, config }), isEdited },
      { id: 'motcua-status', component: (p) => h(StatusChoice, { ...p, config }), isEdited },
    ];
  }
  if (is(element, 'bpmn:CallActivity')) {
    return [
      english,
      { id: 'motcua-called', component: (p) => h(CalledProcess, { ...p, called: config.called }), isEdited },
      { id: 'motcua-allotment', component: AllotmentAmount, isEdited: isTextFieldEntryEdited },
      { id: 'motcua-allotment-unit', component: AllotmentUnit, isEdited },
    ];
  }
  if (is(element, 'bpmn:SubProcess') || is(element, 'bpmn:Task')) {
    return [
      english,
      { id: 'motcua-allotment', component: AllotmentAmount, isEdited: isTextFieldEntryEdited },
      { id: 'motcua-allotment-unit', component: AllotmentUnit, isEdited },
    ];
  }
  return [];
}

// --- timers: deadlines from the calendar helpers, never typed as Python ------------------------------------------------
export const ANCHORS = [
  { value: 'appointment', label: 'ngày hẹn trả kết quả' },
  { value: 'clock_start', label: 'lúc bắt đầu tính thời hạn' },
  { value: 'received_at', label: 'lúc tiếp nhận hồ sơ' },
  { value: 'due_at', label: 'hạn của bước' },
];
const HELPERS = {
  'wd:after': 'add_working_days',
  'wh:after': 'add_working_hours',
  'd:after': 'add_days',
  'wd:before': 'working_days_before',
  'wh:before': 'working_hours_before',
};
const TIMER_UNITS = { wd: 'ngày làm việc', wh: 'giờ làm việc', d: 'ngày' };
const CALL = /^\s*(\w+)\s*\(\s*(\w+)\s*,\s*(\d+(?:\.\d+)?)\s*\)\s*$/;

/** `working_days_before(appointment, 1)` -> {anchor, amount: "1", unit: "wd", direction: "before"}; null when the
 *  expression is not one the panel builds. */
export function readTimer(expression) {
  const text = (expression || '').trim();
  if (/^\w+$/.test(text)) {
    return { anchor: text, amount: '0', unit: 'wd', direction: 'after' };
  }
  const match = CALL.exec(text);
  if (!match) {
    return null;
  }
  const key = Object.keys(HELPERS).find((k) => HELPERS[k] === match[1]);
  if (!key) {
    return null;
  }
  const [unit, direction] = key.split(':');
  return { anchor: match[2], amount: match[3], unit, direction };
}

export function writeTimer({ anchor, amount, unit, direction }) {
  const n = Number(String(amount).replace(',', '.')) || 0;
  if (!n) {
    return anchor;
  }
  const helper = HELPERS[`${unit}:${direction}`] || HELPERS[`${unit}:after`];
  return `${helper}(${anchor}, ${n})`;
}

/** "1 ngày làm việc trước ngày hẹn trả kết quả". */
export function timerWords(expression) {
  const timer = readTimer(expression);
  if (!timer) {
    return expression ? `biểu thức: ${expression}` : '';
  }
  const anchor = (ANCHORS.find((a) => a.value === timer.anchor) || { label: timer.anchor }).label;
  if (Number(timer.amount) === 0) {
    return `đúng ${anchor}`;
  }
  const amount = String(timer.amount).replace('.', ',');
  return `${amount} ${TIMER_UNITS[timer.unit]} ${timer.direction === 'before' ? 'trước' : 'sau'} ${anchor}`;
}

function timerDefinition(element) {
  const definitions = getBusinessObject(element).get('eventDefinitions') || [];
  return definitions.find((d) => is(d, 'bpmn:TimerEventDefinition'));
}

function useTimer(element) {
  const modeling = useService('modeling');
  const bpmnFactory = useService('bpmnFactory');
  const definition = timerDefinition(element);
  const expression = () => {
    const timeDate = definition.get('timeDate');
    return timeDate ? timeDate.get('body') || '' : '';
  };
  const current = () => readTimer(expression()) || { anchor: 'appointment', amount: '0', unit: 'wd', direction: 'after' };
  const update = (change) => {
    const body = writeTimer({ ...current(), ...change });
    const timeDate = definition.get('timeDate');
    if (timeDate) {
      modeling.updateModdleProperties(element, timeDate, { body });
    } else {
      const created = bpmnFactory.create('bpmn:FormalExpression', { body });
      modeling.updateModdleProperties(element, definition, { timeDate: created, timeDuration: undefined, timeCycle: undefined });
    }
  };
  return { expression, current, update };
}

function TimerAnchor({ element, id }) {
  const timer = useTimer(element);
  return h(SelectEntry, {
    element,
    id,
    label: 'Hẹn giờ: mốc',
    description: timerWords(timer.expression()),
    getValue: () => timer.current().anchor,
    setValue: (anchor) => timer.update({ anchor }),
    getOptions: () => {
      const known = ANCHORS.some((a) => a.value === timer.current().anchor);
      return known ? ANCHORS : [...ANCHORS, { value: timer.current().anchor, label: timer.current().anchor }];
    },
  });
}

function TimerDirection({ element, id }) {
  const timer = useTimer(element);
  return h(SelectEntry, {
    element,
    id,
    label: 'Trước hay sau mốc',
    getValue: () => timer.current().direction,
    setValue: (direction) => timer.update(direction === 'before' && timer.current().unit === 'd'
      ? { direction, unit: 'wd' } : { direction }),
    getOptions: () => [{ value: 'after', label: 'sau mốc' }, { value: 'before', label: 'trước mốc' }],
  });
}

function TimerAmount({ element, id }) {
  const timer = useTimer(element);
  return h(TextFieldEntry, {
    element,
    id,
    label: 'Khoảng thời gian (số; 0: đúng mốc)',
    debounce: (fn) => fn,
    getValue: () => String(timer.current().amount).replace('.', ','),
    setValue: (value) => timer.update({ amount: (value || '0').trim() }),
    validate: (value) => (!value || /^\d+([.,]\d+)?$/.test(value.trim()) ? null : 'Nhập một số, ví dụ 1 hoặc 0,5'),
  });
}

function TimerUnit({ element, id }) {
  const timer = useTimer(element);
  return h(SelectEntry, {
    element,
    id,
    label: 'Đơn vị',
    getValue: () => timer.current().unit,
    setValue: (unit) => timer.update({ unit }),
    getOptions: () => Object.entries(TIMER_UNITS)
      .filter(([value]) => !(value === 'd' && timer.current().direction === 'before'))
      .map(([value, label]) => ({ value, label })),
  });
}

function MotcuaPropertiesProvider(propertiesPanel, injector) {
  const config = injector.get('config.motcua', false) || {};
  this.getGroups = (element) => (groups) => {
    const found = entries(element, config);
    if (found.length) {
      groups.splice(Math.min(1, groups.length), 0, { id: 'motcua', label: 'Một cửa', entries: found });
    }
    return groups;
  };
  propertiesPanel.registerProvider(LOW_PRIORITY, this);
}
MotcuaPropertiesProvider.$inject = ['propertiesPanel', 'injector'];

export const MotcuaPropertiesModule = {
  __init__: ['motcuaPropertiesProvider'],
  motcuaPropertiesProvider: ['type', MotcuaPropertiesProvider],
};
