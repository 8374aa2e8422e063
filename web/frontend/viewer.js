// Read-only BPMN diagram for dossier pages: shows where a dossier is and where it has been.
// Bundled by `npm run build` into web/static/dist/viewer.js, which sets window.motcua.showDiagram.
import NavigatedViewer from 'bpmn-js/lib/NavigatedViewer';

export const CURRENT_MARKER = 'motcua-current';
export const DONE_MARKER = 'motcua-done';

// The markers' look is in web/static/diagram.css (a stylesheet, not a <style> element the script adds: the pages'
// Content-Security-Policy allows styles from files only).

/**
 * Draw a BPMN diagram in `container` and highlight elements.
 *
 * @param {HTMLElement} container  element that receives the diagram; give it a height.
 * @param {string} xml             BPMN 2.0 XML.
 * @param {{current?: string[], done?: string[], markers?: Object<string, string[]>}} [marks]
 *        ids of the elements where the dossier is now, and of those it has passed; `markers` maps other CSS classes
 *        to the ids they mark (the designers' diff: added, removed, changed). Ids that are not in the diagram (for
 *        example from another process version) are ignored and returned in `missing`.
 * @returns {Promise<{viewer: NavigatedViewer, warnings: Array, missing: string[]}>}
 *          rejects with the import error when the XML cannot be read.
 */
export async function showDiagram(container, xml, { current = [], done = [], markers = {} } = {}) {
  const viewer = new NavigatedViewer({ container });
  const { warnings } = await viewer.importXML(xml);

  const canvas = viewer.get('canvas');
  const registry = viewer.get('elementRegistry');
  const missing = [];
  const mark = (ids, marker) => {
    for (const id of ids) {
      if (registry.get(id)) {
        canvas.addMarker(id, marker);
      } else {
        missing.push(id);
      }
    }
  };
  mark(done, DONE_MARKER);
  // An element that is both done and current (a loop) shows as current.
  mark(current, CURRENT_MARKER);
  for (const [marker, ids] of Object.entries(markers)) {
    mark(ids, marker);
  }

  // A hidden container (display: none, a closed tab) has no size to fit, and zooming to it would throw.
  if (container.clientWidth > 0 && container.clientHeight > 0) {
    canvas.zoom('fit-viewport', 'auto');
  }
  return { viewer, warnings, missing };
}

window.motcua = Object.assign(window.motcua || {}, { showDiagram });
