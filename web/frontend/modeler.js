// BPMN modeler with a properties panel, for process designers.
// Bundled by `npm run build` into web/static/dist/modeler.js, which sets window.motcua.openModeler.
// The page that uses it also links css/diagram-js.css, css/bpmn-js.css, bpmn-font/css/bpmn.css and
// css/properties-panel.css and css/bpmn-js-bpmnlint.css (bpmnlint's recommended rules, checked as the diagram changes)
// from web/static/dist/.
import Modeler from 'bpmn-js/lib/Modeler';
import { BpmnPropertiesPanelModule, BpmnPropertiesProviderModule } from 'bpmn-js-properties-panel';
import lintModule from 'bpmn-js-bpmnlint';
import spiffworkflow from './spiffworkflow.json';
import { lintConfig } from './lint_rules';
import { TranslateModule } from './translate_vi';
import { MotcuaPropertiesModule } from './motcua_properties';

/**
 * Open a diagram for editing.
 *
 * @param {HTMLElement} container       element that receives the canvas; give it a height.
 * @param {HTMLElement} panelContainer  element that receives the properties panel.
 * @param {string} [xml]                BPMN 2.0 XML; when empty, a new diagram with one start event is created.
 * @param {{roles?: Array, forms?: Array, statuses?: Array}} [choices]
 *        what the panel's "Một cửa" group offers, each a list of {value, label}: the lanes with a role, the forms
 *        of processes/forms/, the national portal statuses.
 * @returns {Promise<Modeler>} the modeler once the diagram is shown (read it back with `modeler.saveXML({format: true})`);
 *          rejects with the import error when the XML cannot be read.
 */
export async function openModeler(container, panelContainer, xml, choices = {}) {
  const modeler = new Modeler({
    container,
    propertiesPanel: { parent: panelContainer },
    additionalModules: [BpmnPropertiesPanelModule, BpmnPropertiesProviderModule, MotcuaPropertiesModule, lintModule, TranslateModule],
    linting: { active: true, bpmnlint: lintConfig },
    moddleExtensions: { spiffworkflow },
    motcua: choices,
  });
  if (xml) {
    await modeler.importXML(xml);
  } else {
    await modeler.createDiagram();
  }
  // A hidden container (display: none, a closed tab) has no size to fit, and zooming to it would throw.
  if (container.clientWidth > 0 && container.clientHeight > 0) {
    modeler.get('canvas').zoom('fit-viewport', 'auto');
  }
  return modeler;
}

window.motcua = Object.assign(window.motcua || {}, { openModeler });
