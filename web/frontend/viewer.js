// Read-only BPMN diagram for dossier pages: shows where a dossier is and where it has been.
// Bundled by `npm run build` into web/static/dist/viewer.js, which sets window.motcua.showDiagram.
import NavigatedViewer from 'bpmn-js/lib/NavigatedViewer';

export const CURRENT_MARKER = 'motcua-current';
export const DONE_MARKER = 'motcua-done';
export const WAITING_MARKER = 'motcua-waiting';

// The markers' look is in web/static/diagram.css (a stylesheet, not a <style> element the script adds: the pages'
// Content-Security-Policy allows styles from files only).

/**
 * Draw a BPMN diagram in `container` and highlight elements.
 *
 * @param {HTMLElement} container  element that receives the diagram; give it a height.
 * @param {string} xml             BPMN 2.0 XML.
 * @param {{current?: string[], done?: string[], waiting?: string[], markers?: Object<string, string[]>}} [marks]
 *        ids of the elements where the dossier is now, of those it has passed, and of the timers set; `markers` maps
 *        other CSS classes to the ids they mark (the designers' diff: added, removed, changed). Ids that are not in
 *        the diagram (for example from another process version) are ignored and returned in `missing`.
 * @returns {Promise<{viewer: NavigatedViewer, warnings: Array, missing: string[], mark: Function}>}
 *          `mark(marks)` replaces the marks (the replay view steps through moments with it); rejects with the
 *          import error when the XML cannot be read.
 */
export async function showDiagram(container, xml, marks = {}) {
  const viewer = new NavigatedViewer({ container });
  const { warnings } = await viewer.importXML(xml);

  const canvas = viewer.get('canvas');
  const registry = viewer.get('elementRegistry');
  let marked = [];
  const mark = ({ current = [], done = [], waiting = [], markers = {} } = {}) => {
    for (const [id, marker] of marked) {
      canvas.removeMarker(id, marker);
    }
    marked = [];
    const missing = [];
    const add = (ids, marker) => {
      for (const id of ids) {
        if (registry.get(id)) {
          canvas.addMarker(id, marker);
          marked.push([id, marker]);
        } else {
          missing.push(id);
        }
      }
    };
    add(done, DONE_MARKER);
    add(waiting, WAITING_MARKER);
    // An element that is both done and current (a loop) shows as current.
    add(current, CURRENT_MARKER);
    for (const [marker, ids] of Object.entries(markers)) {
      add(ids, marker);
    }
    return missing;
  };
  const missing = mark(marks);

  // A hidden container (display: none, a closed tab) has no size to fit, and zooming to it would throw.
  if (container.clientWidth > 0 && container.clientHeight > 0) {
    canvas.zoom('fit-viewport', 'auto');
  }
  const focus = () => focusDiagram(viewer, marks.current || []);
  return { viewer, warnings, missing, mark, focus };
}

// The zoom a diagram is opened at: fitted to the container's width, but never so small that its labels cannot be
// read (a wide process is then shown at READABLE_ZOOM around its current step) nor larger than life.
export const READABLE_ZOOM = 0.7;
const MARGIN = 20; // diagram units kept free around the drawing

/**
 * Zoom the diagram to the width of its container (within READABLE_ZOOM..1) and centre it on the first of `ids` that
 * it shows (the current step), else on the drawing's middle. Does nothing in a container without a size.
 *
 * @param {NavigatedViewer} viewer
 * @param {string[]} ids  elements to centre on, in order of preference
 * @returns {number|undefined} the zoom level set
 */
export function focusDiagram(viewer, ids = []) {
  const canvas = viewer.get('canvas');
  const registry = viewer.get('elementRegistry');
  canvas.resized();
  const { inner, outer } = canvas.viewbox();
  if (!outer.width || !outer.height || !inner.width) {
    return undefined;
  }
  const scale = Math.min(1, Math.max(READABLE_ZOOM, outer.width / (inner.width + 2 * MARGIN)));
  const target = ids.map((id) => registry.get(id)).find(Boolean);
  const centre = target
    ? { x: target.x + target.width / 2, y: target.y + target.height / 2 }
    : { x: inner.x + inner.width / 2, y: inner.y + inner.height / 2 };
  const width = outer.width / scale;
  const height = outer.height / scale;
  canvas.viewbox({ x: centre.x - width / 2, y: centre.y - height / 2, width, height });
  return canvas.zoom();
}

/**
 * Zoom in (`factor` > 1) or out (< 1) around the middle of what is shown.
 *
 * @param {NavigatedViewer} viewer
 * @param {number} factor
 * @returns {number} the new zoom level
 */
export function zoomDiagram(viewer, factor) {
  const canvas = viewer.get('canvas');
  const box = canvas.viewbox();
  const middle = { x: box.outer.width / 2, y: box.outer.height / 2 };
  return canvas.zoom(Math.min(4, Math.max(0.2, canvas.zoom() * factor)), middle);
}

window.motcua = Object.assign(window.motcua || {}, { showDiagram, focusDiagram, zoomDiagram });
