// The properties panel's group for motcua: what the engine reads from a diagram, edited by choosing, never typed as
// extension XML. A lane's role (the lane's name is the role's lane, engine.domain.permissions.LANE_ROLES); a user
// task's allotment (number + unit), its form (processes/forms/) and the national portal status it sets; a call
// activity's called process (a choice of the shared definitions) and allotment. Properties are
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

const FormChoice = propertyChoice('form', 'Biểu mẫu (processes/forms)', (c) => c.forms, '(không có biểu mẫu)');
const StatusChoice = propertyChoice(
  'portal_status',
  'Trạng thái trên Cổng DVC quốc gia',
  (c) => c.statuses,
  '(không đổi trạng thái)'
);

function entries(element, config) {
  const isEdited = isSelectEntryEdited;
  if (is(element, 'bpmn:Lane')) {
    return [{ id: 'motcua-role', component: (p) => h(LaneRole, { ...p, roles: config.roles }), isEdited }];
  }
  if (is(element, 'bpmn:UserTask')) {
    return [
      { id: 'motcua-allotment', component: AllotmentAmount, isEdited: isTextFieldEntryEdited },
      { id: 'motcua-allotment-unit', component: AllotmentUnit, isEdited },
      { id: 'motcua-form', component: (p) => h(FormChoice, { ...p, config }), isEdited },
      { id: 'motcua-status', component: (p) => h(StatusChoice, { ...p, config }), isEdited },
    ];
  }
  if (is(element, 'bpmn:CallActivity')) {
    return [
      { id: 'motcua-called', component: (p) => h(CalledProcess, { ...p, called: config.called }), isEdited },
      { id: 'motcua-allotment', component: AllotmentAmount, isEdited: isTextFieldEntryEdited },
      { id: 'motcua-allotment-unit', component: AllotmentUnit, isEdited },
    ];
  }
  if (is(element, 'bpmn:SubProcess') || is(element, 'bpmn:Task')) {
    return [
      { id: 'motcua-allotment', component: AllotmentAmount, isEdited: isTextFieldEntryEdited },
      { id: 'motcua-allotment-unit', component: AllotmentUnit, isEdited },
    ];
  }
  return [];
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
