// <smp-preview>: the scalp micropigmentation previewer as one custom element.
//
// All pixel work happens in the wasm module (./pkg/smp_preview.js); this file only moves data
// and wires the DOM. The photo is decoded by the browser and never leaves the device.
//
// Public API (see README): attributes `src`, `max-size`, the starting settings (`treatment`,
// `density`, `impression-size`, `shade`, `softness`, `pigment`, `session`, `hairline-style`),
// branding (`logo`, `logo-alt`, `cta-label`, `cta-href`, `disclaimer`), `share-key`,
// `share-url`; properties `settings`, `renderCount`, `width`, `height`, `pxPerMm`,
// `description`, `divider`, `compareMode`, `zoom`, `shareUrl`; methods `load(source)`, `toBlob(type, quality)`,
// `exportImage(options)`, `undo()`, `redo()`; events `smp-ready`, `smp-change`, `smp-error`,
// `smp-analytics` (all bubble and are composed).

const PKG_URL = new URL('./pkg/smp_preview.js', import.meta.url).href;

/**
 * Every string the element shows or speaks, per language (`lang` attribute of the element or
 * an ancestor: English, or Spanish for `es`). Numbers are formatted for the language by `num`.
 * Messages written by the wasm core (advice, errors naming a settings field) stay in English.
 */
export const STRINGS = {
  en: {
    locale: 'en',
    upload: 'Upload photo',
    tool: 'Tool',
    tools: {
      compare: ['Compare', 'Compare before and after'],
      paint: ['Paint', 'Paint the treatment area'],
      erase: ['Erase', 'Erase from the treatment area'],
      hairline: ['Hairline', 'Drag the hairline\u2019s handles'],
      strip: ['Scar strip', 'Drag along a strip (FUT) scar'],
      dot: ['FUE dot', 'Tap each round (FUE) scar'],
      patch: ['Patch', 'Tap to place a patch, drag to size it'],
    },
    undo: 'Undo',
    undoTitle: 'Undo (Ctrl+Z)',
    redo: 'Redo',
    redoTitle: 'Redo (Ctrl+Shift+Z)',
    save: 'Save',
    saveLabel: 'Save image',
    saveTitle: 'Save the image chosen under Save and share',
    compareView: 'Compare view',
    views: {
      x: ['Left | right', 'A divider across the picture: before on the left'],
      y: ['Top | bottom', 'A divider up and down the picture: before above'],
      side: ['Side by side', 'Before and after next to each other'],
    },
    viewAnnounce: { x: 'Divider across: before on the left', y: 'Divider up and down: before above', side: 'Side by side' },
    hold: 'Hold for before',
    holdTitle: 'Press and hold to see the photo before',
    zoom: 'Zoom',
    zoomTitle: 'A magnifier at 100 % follows the pointer (arrow keys move it over a focused picture); on a touch screen, pinch the picture',
    fit: 'Fit',
    dismiss: 'Dismiss message',
    stageLabel: 'Before and after preview. Drop or paste a photo here.',
    before: 'Before',
    after: 'After',
    divider: 'Before and after divider',
    dividerText: (n) => `${n}% before`,
    leftPupil: 'Left pupil',
    rightPupil: 'Right pupil',
    preparing: 'Preparing preview…',
    dropHere: 'Drop the photo to preview it',
    treatment: 'Treatment',
    treatments: {
      fullHead: ['Full head', 'The shaved look over all the scalp, behind the hairline.'],
      hairline: ['Hairline', 'A band behind the hairline that blends into the hair behind it.'],
      crown: ['Crown', 'A round area on the crown that blends into the hair around it.'],
      densityFill: ['Density fill', 'Impressions between the hairs you have, so thinning hair looks fuller.'],
      scars: ['Scars', 'Drag along each strip scar, or tap each FUE scar, to cover it.'],
      alopecia: ['Alopecia patches', 'Tap each bald patch; drag while placing it to size it.'],
    },
    hairline: 'Hairline',
    hairlineStyle: 'Hairline style',
    hairlineStyleHint: 'Choosing a style places the line by the usual clinical rules and sets its softness.',
    hairlineStyles: { natural: 'Natural (soft, broken)', defined: 'Defined (sharp)', receded: 'Receded (mature)', straight: 'Straight (youthful)' },
    hairlinePoints: ['Left temple peak', 'Left frontotemporal point', 'Mid-frontal point', 'Right frontotemporal point', 'Right temple peak'],
    editHairline: 'Edit hairline',
    editHairlineTitle: 'Show the hairline\u2019s handles on the photo',
    removeHairline: 'Remove hairline',
    removeHairlineTitle: 'Treat up to the scalp\u2019s own edge',
    addHairline: 'Add hairline',
    addHairlineTitle: 'Place a hairline of the chosen style',
    hairlineHelp: 'Drag the five handles on the photo (arrow keys move a focused one, ten times faster with Shift). The area lies behind the line.',
    noHairlineHelp: 'No hairline: the area ends at the scalp\u2019s own edge. Add one to shape the front edge.',
    hairlinePlaced: (style) => `Hairline placed: ${style}`,
    hairlineRemoved: 'Hairline removed',
    scars: 'Scars',
    shapesTitles: { scars: 'Scars', crown: 'Crown area', alopecia: 'Patches', other: 'Scars and patches' },
    stripWidth: 'Strip width',
    dotSize: 'FUE dot size',
    newSizesHint: 'For the next strip or dot you draw.',
    shapes: 'Shapes',
    shapesHints: {
      patches: 'With Patch chosen, drag a patch to move it and the square on its edge to resize it (arrow keys too; Delete removes it). Tap outside to add one.',
      scars: 'No scars marked yet: choose Scar strip and drag along a scar, or FUE dot and tap each one.',
      crown: 'Choose Patch and tap the crown to place the area.',
      alopecia: 'Choose Patch and tap each bald patch; drag while placing it to size it.',
    },
    crownArea: (n) => (n ? `Crown area ${n}` : 'Crown area'),
    patch: (n) => `Patch ${n}`,
    scarStrip: (n) => `Scar strip ${n}`,
    fueDots: (n) => `${n} FUE ${n === 1 ? 'dot' : 'dots'}`,
    removeDots: 'Remove dots',
    removeAllDots: 'Remove all FUE dots',
    dotsRemoved: 'FUE dots removed',
    sizeInMm: (name, what) => `${name} ${what === 'width' ? 'width' : 'radius'} in mm`,
    remove: (name) => `Remove ${name.toLowerCase()}`,
    removed: (name) => `${name} removed`,
    position: (name) => `${name} position`,
    size: (name) => `${name} size`,
    radiusText: (mm) => `${mm} mm radius`,
    stripAdded: (mm) => `Scar strip added, ${mm} mm wide`,
    dotAdded: (mm) => `FUE dot added, ${mm} mm`,
    patchAdded: (name, mm) => `${name} added, ${mm} mm radius`,
    dragStrip: 'Drag along the scar to draw a strip',
    handleText: (x, y) => `${x} % from the left, ${y} % from the top`,
    area: 'Treatment area',
    brushSize: 'Brush size',
    showArea: 'Show area',
    resetArea: 'Reset area',
    resetAreaTitle: 'Remove your painting: back to this treatment\u2019s starting area',
    clearArea: 'Clear area',
    clearAreaTitle: 'Remove the whole area (hairline and shapes too), then paint your own',
    areaReset: 'Area reset',
    areaCleared: 'Area cleared',
    stage: 'Treatment stage',
    session: 'Session',
    sessionHint: 'Sessions done so far. Most treatments take 3.',
    monthsLabel: 'Time since last session',
    monthsHint: 'From the first days to years later.',
    months: (m, n) => {
      if (m <= 0) return ['Fresh', 'Fresh: the first days'];
      if (m === 1) return ['Healed', 'Healed: about a month'];
      if (m < 12) return [`${n(m)} mo`, `${n(m)} months`];
      const years = Math.round((m / 12) * 10) / 10;
      return [`${n(years)} y`, `${n(years)} ${years === 1 ? 'year' : 'years'}`];
    },
    impressions: 'Impressions',
    pigment: 'Pigment',
    pigmentHint: 'Chosen to match your hair and skin.',
    pigments: { auto: 'Auto', black: 'Black', darkBrown: 'Dark brown', brown: 'Brown', lightBrown: 'Light brown', greyBlend: 'Grey blend' },
    autoSuggested: (name) => `Auto (suggested: ${name})`,
    sliders: {
      density: ['Density', 'Impressions per cm². Natural scalp: about 80.', 'impressions per square centimetre'],
      impressionSize: ['Impression size', 'Diameter of each pigment dot.', 'micrometres'],
      shade: ['Pigment shade', 'From light grey to carbon black.', 'percent'],
      softness: ['Hairline softness', 'Width of the transition at the edge: 2–3 mm reads as a defined hairline, 10–15 mm as a soft one.', 'millimetres'],
    },
    millimetres: 'millimetres',
    grouping: 'Group impressions like follicular units',
    scale: 'Physical scale',
    fromPupils: 'from pupils',
    fromHeadWidth: 'from head width',
    setScale: 'Set scale',
    setScaleTitle: 'Mark the centres of the pupils on the photo',
    useHeadWidth: 'Use head width',
    useHeadWidthTitle: 'Forget the marked pupils and scale from the head width',
    pupilDistance: 'Pupil distance',
    headWidth: 'Head width',
    eyeHelp: 'Set scale, then drag the two circles onto the centres of the pupils (arrow keys move a focused circle). Without them, the head width above the ears sets the scale.',
    dragPupils: 'Drag the two circles onto the centres of the pupils',
    scaleFromHeadWidth: 'Scale from the head width',
    saveShare: 'Save and share',
    image: 'Image',
    exportKinds: { after: 'After', 'side-by-side': 'Side by side', split: 'Split' },
    format: 'Format',
    download: 'Download',
    shareImage: 'Share image',
    copyLink: 'Copy preset link',
    copyLinkTitle: 'A link with these settings (not the photo)',
    presetLink: 'Preset link',
    saveHint: 'The photo stays on this device; a preset link carries the settings only.',
    imageSaved: 'Image saved',
    linkCopied: 'Preset link copied',
    linkShown: 'Preset link shown: copy it from the field',
    disclaimer: 'Simulation – individual results vary.',
    undone: 'Undone',
    redone: 'Redone',
    demoShown: 'Demo head shown',
    photoLoaded: 'Photo loaded',
    decodeFailed: 'This file could not be opened as a photo. Please choose a JPEG, PNG or WebP image (iPhone HEIC photos: share or export them as JPEG first).',
    dropImage: 'Please drop an image file (JPEG, PNG or WebP).',
    downloadFailed: 'The photo could not be downloaded. Please check the address or upload the file instead.',
    downloadFailedStatus: (status) => `The photo could not be downloaded (HTTP ${status}). Please check the address or upload the file instead.`,
    notAnalysed: (message) => `This photo could not be analysed: ${message}`,
    demoFailed: (message) => `The demo head could not be shown (${message}). You can still upload your own photo.`,
    noImage: 'No image is shown yet.',
    exportFailed: 'The image could not be exported.',
    linkDamaged: 'This preset link is damaged (its settings cannot be read). The usual settings are shown instead.',
    linkInvalid: (message) => `This preset link does not fit this previewer: ${message}`,
    startFailed: (message) => `The previewer could not start (${message}). Please reload the page.`,
    internalError: (message) => `The previewer ran into an internal error (${message}). The next photo you choose starts it afresh; if it happens again, try another photo.`,
    settingsNotJson: 'These settings cannot be read: they must be plain JSON data, such as the object the settings property returns.',
    emptyFile: 'This file is empty. Please choose a photo (JPEG, PNG or WebP).',
    heicFile: 'This browser cannot open HEIC photos (the iPhone\'s usual format). Please share or export the photo as JPEG, or take a screenshot of it, and choose that.',
    svgFile: 'SVG drawings cannot be used. Please choose a photo (JPEG, PNG or WebP).',
    hugeImage: (width, height) => `This image declares ${width} × ${height} pixels, too large to open safely. Please choose a photo of at most 100 megapixels, or save a smaller copy first.`,
  },
};

STRINGS.es = {
  ...STRINGS.en,
  locale: 'es',
  upload: 'Subir foto',
  tool: 'Herramienta',
  tools: {
    compare: ['Comparar', 'Comparar antes y después'],
    paint: ['Pintar', 'Pintar la zona de tratamiento'],
    erase: ['Borrar', 'Borrar de la zona de tratamiento'],
    hairline: ['Línea', 'Arrastrar los puntos de la línea frontal'],
    strip: ['Cicatriz lineal', 'Arrastrar a lo largo de una cicatriz lineal (FUT)'],
    dot: ['Punto FUE', 'Tocar cada cicatriz redonda (FUE)'],
    patch: ['Zona', 'Tocar para colocar una zona, arrastrar para darle tamaño'],
  },
  undo: 'Deshacer',
  undoTitle: 'Deshacer (Ctrl+Z)',
  redo: 'Rehacer',
  redoTitle: 'Rehacer (Ctrl+Mayús+Z)',
  save: 'Guardar',
  saveLabel: 'Guardar imagen',
  saveTitle: 'Guardar la imagen elegida en Guardar y compartir',
  compareView: 'Vista de comparación',
  views: {
    x: ['Izq. | der.', 'Un divisor vertical: antes a la izquierda'],
    y: ['Arriba | abajo', 'Un divisor horizontal: antes arriba'],
    side: ['Lado a lado', 'Antes y después uno junto al otro'],
  },
  viewAnnounce: { x: 'Divisor vertical: antes a la izquierda', y: 'Divisor horizontal: antes arriba', side: 'Lado a lado' },
  hold: 'Ver antes',
  holdTitle: 'Mantener pulsado para ver la foto de antes',
  zoom: 'Lupa',
  zoomTitle: 'Una lupa al 100 % sigue al puntero (las flechas la mueven sobre la imagen enfocada); en pantallas táctiles, pellizque la imagen',
  fit: 'Ajustar',
  dismiss: 'Cerrar el mensaje',
  stageLabel: 'Vista previa de antes y después. Suelte o pegue una foto aquí.',
  before: 'Antes',
  after: 'Después',
  divider: 'Divisor entre antes y después',
  dividerText: (n) => `${n} % antes`,
  leftPupil: 'Pupila izquierda',
  rightPupil: 'Pupila derecha',
  preparing: 'Preparando la vista previa…',
  dropHere: 'Suelte la foto para verla',
  treatment: 'Tratamiento',
  treatments: {
    fullHead: ['Cabeza completa', 'El aspecto rapado en todo el cuero cabelludo, detrás de la línea frontal.'],
    hairline: ['Línea frontal', 'Una franja detrás de la línea frontal que se funde con el pelo de detrás.'],
    crown: ['Coronilla', 'Una zona redonda en la coronilla que se funde con el pelo de alrededor.'],
    densityFill: ['Densidad', 'Impresiones entre el pelo que tiene, para que el pelo fino parezca más denso.'],
    scars: ['Cicatrices', 'Arrastre a lo largo de cada cicatriz lineal o toque cada cicatriz FUE para cubrirla.'],
    alopecia: ['Alopecia areata', 'Toque cada zona calva; arrastre al colocarla para darle tamaño.'],
  },
  hairline: 'Línea frontal',
  hairlineStyle: 'Estilo de línea',
  hairlineStyleHint: 'Al elegir un estilo, la línea se coloca según las reglas clínicas habituales y se ajusta su suavidad.',
  hairlineStyles: { natural: 'Natural (suave, irregular)', defined: 'Definida (nítida)', receded: 'Retraída (madura)', straight: 'Recta (juvenil)' },
  hairlinePoints: ['Pico temporal izquierdo', 'Punto frontotemporal izquierdo', 'Punto frontal medio', 'Punto frontotemporal derecho', 'Pico temporal derecho'],
  editHairline: 'Editar línea',
  editHairlineTitle: 'Mostrar los puntos de la línea sobre la foto',
  removeHairline: 'Quitar línea',
  removeHairlineTitle: 'Tratar hasta el borde del propio cuero cabelludo',
  addHairline: 'Añadir línea',
  addHairlineTitle: 'Colocar una línea del estilo elegido',
  hairlineHelp: 'Arrastre los cinco puntos sobre la foto (las flechas mueven el punto enfocado, diez veces más rápido con Mayús). La zona queda detrás de la línea.',
  noHairlineHelp: 'Sin línea frontal: la zona termina en el borde del cuero cabelludo. Añada una para dar forma al borde delantero.',
  hairlinePlaced: (style) => `Línea colocada: ${style}`,
  hairlineRemoved: 'Línea quitada',
  scars: 'Cicatrices',
  shapesTitles: { scars: 'Cicatrices', crown: 'Zona de coronilla', alopecia: 'Zonas', other: 'Cicatrices y zonas' },
  stripWidth: 'Ancho de la cicatriz',
  dotSize: 'Tamaño del punto FUE',
  newSizesHint: 'Para la próxima cicatriz o punto que dibuje.',
  shapes: 'Formas',
  shapesHints: {
    patches: 'Con Zona elegida, arrastre una zona para moverla y el cuadrado de su borde para cambiar su tamaño (también con las flechas; Supr la quita). Toque fuera para añadir otra.',
    scars: 'Aún no hay cicatrices: elija Cicatriz lineal y arrastre a lo largo de una cicatriz, o Punto FUE y toque cada una.',
    crown: 'Elija Zona y toque la coronilla para colocar la zona.',
    alopecia: 'Elija Zona y toque cada zona calva; arrastre al colocarla para darle tamaño.',
  },
  crownArea: (n) => (n ? `Zona de coronilla ${n}` : 'Zona de coronilla'),
  patch: (n) => `Zona ${n}`,
  scarStrip: (n) => `Cicatriz lineal ${n}`,
  fueDots: (n) => `${n} ${n === 1 ? 'punto' : 'puntos'} FUE`,
  removeDots: 'Quitar puntos',
  removeAllDots: 'Quitar todos los puntos FUE',
  dotsRemoved: 'Puntos FUE quitados',
  sizeInMm: (name, what) => `${what === 'width' ? 'Ancho' : 'Radio'} de ${name.toLowerCase()} en mm`,
  remove: (name) => `Quitar ${name.toLowerCase()}`,
  removed: (name) => `${name}: quitada`,
  position: (name) => `${name}: posición`,
  size: (name) => `${name}: tamaño`,
  radiusText: (mm) => `${mm} mm de radio`,
  stripAdded: (mm) => `Cicatriz lineal añadida, ${mm} mm de ancho`,
  dotAdded: (mm) => `Punto FUE añadido, ${mm} mm`,
  patchAdded: (name, mm) => `${name} añadida, ${mm} mm de radio`,
  dragStrip: 'Arrastre a lo largo de la cicatriz para dibujarla',
  handleText: (x, y) => `${x} % desde la izquierda, ${y} % desde arriba`,
  area: 'Zona de tratamiento',
  brushSize: 'Tamaño del pincel',
  showArea: 'Mostrar zona',
  resetArea: 'Restablecer',
  resetAreaTitle: 'Quitar lo pintado: volver a la zona inicial de este tratamiento',
  clearArea: 'Vaciar zona',
  clearAreaTitle: 'Quitar toda la zona (también la línea y las formas) y pintar la suya',
  areaReset: 'Zona restablecida',
  areaCleared: 'Zona vaciada',
  stage: 'Etapa del tratamiento',
  session: 'Sesión',
  sessionHint: 'Sesiones hechas hasta ahora. La mayoría de los tratamientos lleva 3.',
  monthsLabel: 'Tiempo desde la última sesión',
  monthsHint: 'De los primeros días a años después.',
  months: (m, n) => {
    if (m <= 0) return ['Reciente', 'Reciente: los primeros días'];
    if (m === 1) return ['Curado', 'Curado: un mes aprox.'];
    if (m < 12) return [`${n(m)} m`, `${n(m)} meses`];
    const years = Math.round((m / 12) * 10) / 10;
    return [`${n(years)} a`, `${n(years)} ${years === 1 ? 'año' : 'años'}`];
  },
  impressions: 'Impresiones',
  pigment: 'Pigmento',
  pigmentHint: 'Elegido según su pelo y su piel.',
  pigments: { auto: 'Automático', black: 'Negro', darkBrown: 'Castaño oscuro', brown: 'Castaño', lightBrown: 'Castaño claro', greyBlend: 'Mezcla gris' },
  autoSuggested: (name) => `Automático (sugerido: ${name})`,
  sliders: {
    density: ['Densidad', 'Impresiones por cm². Cuero cabelludo natural: unas 80.', 'impresiones por centímetro cuadrado'],
    impressionSize: ['Tamaño de impresión', 'Diámetro de cada punto de pigmento.', 'micrómetros'],
    shade: ['Tono del pigmento', 'Del gris claro al negro carbón.', 'por ciento'],
    softness: ['Suavidad de la línea', 'Ancho de la transición en el borde: 2–3 mm se ve como una línea definida, 10–15 mm como una suave.', 'milímetros'],
  },
  millimetres: 'milímetros',
  grouping: 'Agrupar impresiones como unidades foliculares',
  scale: 'Escala física',
  fromPupils: 'según las pupilas',
  fromHeadWidth: 'según el ancho de la cabeza',
  setScale: 'Fijar escala',
  setScaleTitle: 'Marcar los centros de las pupilas en la foto',
  useHeadWidth: 'Usar el ancho de la cabeza',
  useHeadWidthTitle: 'Olvidar las pupilas marcadas y usar el ancho de la cabeza',
  pupilDistance: 'Distancia entre pupilas',
  headWidth: 'Ancho de la cabeza',
  eyeHelp: 'Fije la escala y arrastre los dos círculos a los centros de las pupilas (las flechas mueven el círculo enfocado). Sin ellos, la escala sale del ancho de la cabeza sobre las orejas.',
  dragPupils: 'Arrastre los dos círculos a los centros de las pupilas',
  scaleFromHeadWidth: 'Escala según el ancho de la cabeza',
  saveShare: 'Guardar y compartir',
  image: 'Imagen',
  exportKinds: { after: 'Después', 'side-by-side': 'Lado a lado', split: 'Dividida' },
  format: 'Formato',
  download: 'Descargar',
  shareImage: 'Compartir imagen',
  copyLink: 'Copiar enlace de ajustes',
  copyLinkTitle: 'Un enlace con estos ajustes (sin la foto)',
  presetLink: 'Enlace de ajustes',
  saveHint: 'La foto se queda en este dispositivo; el enlace solo lleva los ajustes.',
  imageSaved: 'Imagen guardada',
  linkCopied: 'Enlace copiado',
  linkShown: 'Enlace mostrado: cópielo del campo',
  disclaimer: 'Simulación: los resultados varían según la persona.',
  undone: 'Deshecho',
  redone: 'Rehecho',
  demoShown: 'Cabeza de demostración',
  photoLoaded: 'Foto cargada',
  decodeFailed: 'No se pudo abrir el archivo como foto. Elija una imagen JPEG, PNG o WebP (fotos HEIC de iPhone: compártalas o expórtelas antes como JPEG).',
  dropImage: 'Suelte un archivo de imagen (JPEG, PNG o WebP).',
  downloadFailed: 'No se pudo descargar la foto. Revise la dirección o suba el archivo.',
  downloadFailedStatus: (status) => `No se pudo descargar la foto (HTTP ${status}). Revise la dirección o suba el archivo.`,
  notAnalysed: (message) => `No se pudo analizar la foto: ${message}`,
  demoFailed: (message) => `No se pudo mostrar la cabeza de demostración (${message}). Puede subir su propia foto.`,
  noImage: 'Aún no se muestra ninguna imagen.',
  exportFailed: 'No se pudo exportar la imagen.',
  linkDamaged: 'Este enlace de ajustes está dañado (no se pueden leer). Se muestran los ajustes habituales.',
  linkInvalid: (message) => `Este enlace de ajustes no sirve para este visor: ${message}`,
  startFailed: (message) => `No se pudo iniciar el visor (${message}). Recargue la página.`,
  internalError: (message) => `El visor tuvo un error interno (${message}). La próxima foto que elija lo reinicia; si vuelve a ocurrir, pruebe con otra foto.`,
  settingsNotJson: 'No se pueden leer estos ajustes: deben ser datos JSON simples, como el objeto que devuelve la propiedad settings.',
  emptyFile: 'Este archivo está vacío. Elija una foto (JPEG, PNG o WebP).',
  heicFile: 'Este navegador no puede abrir fotos HEIC (el formato habitual del iPhone). Comparta o exporte la foto como JPEG, o haga una captura de pantalla, y elíjala.',
  svgFile: 'No se pueden usar dibujos SVG. Elija una foto (JPEG, PNG o WebP).',
  hugeImage: (width, height) => `Esta imagen declara ${width} × ${height} píxeles, demasiado grande para abrirla con seguridad. Elija una foto de 100 megapíxeles como mucho, o guarde antes una copia más pequeña.`,
};

/** The strings for an element: its own `lang`, else the nearest ancestor's, else English. */
function stringsFor(element) {
  const lang = (element.closest('[lang]')?.getAttribute('lang') || 'en').toLowerCase().split('-')[0];
  return Object.hasOwn(STRINGS, lang) ? STRINGS[lang] : STRINGS.en;
}

/** Demo head size (the generated sample photo). */
const SAMPLE_SIZE = [1200, 900];
const DEFAULT_MAX_SIZE = 2048;
const HISTORY_LIMIT = 100;
/** Brush size in mm of scalp (slider range and start value). */
const BRUSH_MM = { min: 2, max: 40, step: 1, value: 10 };
/** Quiet time before a settings change is reported to analytics (one event per burst). */
const ANALYTICS_DEBOUNCE_MS = 800;
/** The settings fields reported to analytics: numbers and names, never positions on the photo. */
const ANALYTICS_FIELDS = ['treatment', 'density', 'impressionSize', 'shade', 'softness', 'pigment', 'session', 'monthsSinceSession', 'grouping'];
/** Attributes giving the starting settings: attribute → [settings field, kind]. */
const SETTING_ATTRIBUTES = {
  density: ['density', 'number'],
  'impression-size': ['impressionSize', 'number'],
  shade: ['shade', 'number'],
  softness: ['softness', 'number'],
  session: ['session', 'number'],
  pigment: ['pigment', 'string'],
};
const EXPORT_KINDS = ['after', 'side-by-side', 'split'];
const EXPORT_TYPES = { 'image/png': 'png', 'image/jpeg': 'jpg' };

let wasmPromise = null;
let wasmLoaded = null; // the module instance wasmPromise resolved with
let wasmCopies = 0; // instances discarded after a panic
/**
 * Loads and initialises the wasm module once per page, whatever the number of elements. After
 * a panic (discardWasm) the next call imports a fresh copy under another URL: importing the
 * same URL again would return the dead instance.
 */
function loadWasm() {
  if (!wasmPromise) {
    wasmPromise = import(wasmCopies ? `${PKG_URL}?instance=${wasmCopies}` : PKG_URL)
      .then(async (mod) => {
        await mod.default();
        wasmLoaded = mod;
        return mod;
      })
      .catch((error) => {
        wasmPromise = null;
        throw Object.assign(new Error(String(error && error.message ? error.message : error)), { startFailed: true });
      });
  }
  return wasmPromise;
}

/** Forgets a module instance that panicked (its memory cannot be trusted any more). */
function discardWasm(mod) {
  if (mod && mod === wasmLoaded) {
    wasmPromise = null;
    wasmLoaded = null;
    wasmCopies += 1;
  }
}

/** The largest photo decoded at all (its declared size, from the file's header), in pixels. */
const MAX_DECODE_PIXELS = 100e6;
/** How much of a file is read to find its declared size (JPEG metadata may come first). */
const SNIFF_BYTES = 512 * 1024;

/**
 * What a file's first bytes say it is: `{ kind, width, height }` (sizes when the header gives
 * them: PNG, JPEG, GIF, WebP, BMP), so an absurd size is refused before any decoding.
 */
function sniffImage(bytes) {
  const n = bytes.length;
  const u16be = (i) => (bytes[i] << 8) | bytes[i + 1];
  const u16le = (i) => bytes[i] | (bytes[i + 1] << 8);
  const u24le = (i) => bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16);
  const u32be = (i) => ((bytes[i] << 24) | (bytes[i + 1] << 16) | (bytes[i + 2] << 8) | bytes[i + 3]) >>> 0;
  const ascii = (i, len) => String.fromCharCode(...bytes.subarray(i, i + len));
  if (n >= 24 && bytes[0] === 0x89 && ascii(1, 3) === 'PNG') return { kind: 'png', width: u32be(16), height: u32be(20) };
  if (n >= 10 && ascii(0, 4) === 'GIF8') return { kind: 'gif', width: u16le(6), height: u16le(8) };
  if (n >= 26 && ascii(0, 2) === 'BM') {
    const dv = new DataView(bytes.buffer, bytes.byteOffset, n);
    return { kind: 'bmp', width: Math.abs(dv.getInt32(18, true)), height: Math.abs(dv.getInt32(22, true)) };
  }
  if (n >= 30 && ascii(0, 4) === 'RIFF' && ascii(8, 4) === 'WEBP') {
    const chunk = ascii(12, 4);
    if (chunk === 'VP8X') return { kind: 'webp', width: u24le(24) + 1, height: u24le(27) + 1 };
    if (chunk === 'VP8 ') return { kind: 'webp', width: u16le(26) & 0x3fff, height: u16le(28) & 0x3fff };
    if (chunk === 'VP8L') {
      const b = (bytes[21] | (bytes[22] << 8) | (bytes[23] << 16) | (bytes[24] << 24)) >>> 0;
      return { kind: 'webp', width: (b & 0x3fff) + 1, height: ((b >>> 14) & 0x3fff) + 1 };
    }
    return { kind: 'webp' };
  }
  if (n >= 4 && bytes[0] === 0xff && bytes[1] === 0xd8) {
    // Walk the segments to the first frame header (SOF0–SOF15 but DHT, JPG and DAC).
    let i = 2;
    while (i + 9 < n) {
      if (bytes[i] !== 0xff) return { kind: 'jpeg' };
      const marker = bytes[i + 1];
      if (marker === 0xff) {
        i += 1;
        continue;
      }
      if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd8)) {
        i += 2;
        continue;
      }
      if (marker >= 0xc0 && marker <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(marker)) {
        return { kind: 'jpeg', width: u16be(i + 7), height: u16be(i + 5) };
      }
      if (marker === 0xda || marker === 0xd9) break;
      i += 2 + u16be(i + 2);
    }
    return { kind: 'jpeg' };
  }
  if (n >= 12 && ascii(4, 4) === 'ftyp') {
    const size = Math.min(n, Math.max(16, u32be(0)));
    const brands = [];
    for (let i = 8; i + 4 <= size; i += 4) brands.push(ascii(i, 4));
    if (brands.some((b) => b === 'avif' || b === 'avis')) return { kind: 'avif' };
    if (brands.some((b) => ['heic', 'heix', 'hevc', 'hevx', 'heim', 'heis', 'mif1', 'msf1'].includes(b))) return { kind: 'heic' };
  }
  const text = new TextDecoder().decode(bytes.subarray(0, 4096)).trimStart().toLowerCase();
  if (text.startsWith('<') && text.includes('<svg')) return { kind: 'svg' };
  return { kind: 'unknown' };
}

/** The four rendered settings, in slider order. Ranges come from the wasm core (`Preview.limits()`). */
const STYLE_SLIDERS = [
  { key: 'density', step: 1, unit: '/cm²' },
  { key: 'impressionSize', step: 5, unit: 'µm' },
  { key: 'shade', step: 1, unit: '%' },
  { key: 'softness', step: 0.5, unit: 'mm' },
];

/** Pigment choices (the core's names), in menu order (labels in STRINGS). */
const PIGMENTS = ['auto', 'black', 'darkBrown', 'brown', 'lightBrown', 'greyBlend'];

/**
 * The treatments (the core's names), in picker order: the label, a one-line hint, the tools
 * that draw their shapes, and the preset applied when the visitor picks one: the starting area
 * and whether a hairline is placed ('guess', from the core's guess when there is none) or
 * removed ('none'). Shapes and brush strokes are kept.
 */
const TREATMENTS = [
  { value: 'fullHead', tools: ['hairline'], base: 'auto', hairline: 'guess' },
  { value: 'hairline', tools: ['hairline'], base: 'auto', hairline: 'guess' },
  { value: 'crown', tools: ['patch'], base: 'empty', hairline: 'none' },
  { value: 'densityFill', tools: [], base: 'auto', hairline: 'none' },
  { value: 'scars', tools: ['strip', 'dot'], base: 'empty', hairline: 'none' },
  { value: 'alopecia', tools: ['patch'], base: 'empty', hairline: 'none' },
];
const TREATMENT = Object.fromEntries(TREATMENTS.map((t) => [t.value, t]));
/** Tools that draw or move shapes and hairline handles (besides Compare, Paint and Erase). */
const MARK_TOOLS = ['hairline', 'strip', 'dot', 'patch'];
const SHAPE_TOOLS = ['strip', 'dot', 'patch'];
/** Gestures that drag a handle on the photo, and gestures that draw or place a shape. */
const HANDLE_GESTURES = ['eye', 'hairline', 'patch-move', 'patch-size'];
const SHAPE_GESTURES = ['strip', 'dot', 'patch-new'];

/** Hairline styles (the core's names), in menu order (labels in STRINGS). */
const HAIRLINE_STYLES = ['natural', 'defined', 'receded', 'straight'];
/** A strip drawn is simplified to within this share of its width (at least half a pixel). */
const STRIP_SIMPLIFY = 0.15;
/** A pointer that moves less than this (CSS px) is a tap, not a drag. */
const TAP_SLOP = 8;

/** Lengths the scale bar may show, in mm, longest first (it keeps to a quarter of the width). */
const SCALE_BAR_MM = [10, 5, 2, 1];
/** Where the eye-line marker starts when neither the settings nor the photo place the pupils. */
const EYE_LINE_HEIGHT = 0.4;

/** A number as the language writes it, to a tenth (or exactly `digits` decimals). */
function formatNumber(T, value, digits = null) {
  const options = digits === null ? { maximumFractionDigits: 1 } : { minimumFractionDigits: digits, maximumFractionDigits: digits };
  return new Intl.NumberFormat(T.locale, { ...options, useGrouping: false }).format(value);
}

/** A size in mm as shown: to a tenth. */
function tenths(value) {
  return Math.round(value * 10) / 10;
}

function clamp(value, min, max) {
  return Math.min(max, Math.max(min, value));
}

/** Months of the "time since last session" stops: the first days, healed, then every year. */
function monthStops(range) {
  const stops = [range.min, Math.min(1, range.max)];
  for (let m = 12; m <= range.max; m += 12) stops.push(m);
  return stops;
}


const ICONS = {
  upload: '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M12 16V4m0 0-5 5m5-5 5 5M4 16v3a1 1 0 0 0 1 1h14a1 1 0 0 0 1-1v-3"/></svg>',
  compare: '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M12 3v18M8 8l-4 4 4 4M16 8l4 4-4 4"/></svg>',
  compareY: '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M3 12h18M8 8l4-4 4 4M8 16l4 4 4-4"/></svg>',
  side: '<svg viewBox="0 0 24 24" aria-hidden="true"><rect x="3" y="5" width="8" height="14" rx="1.5"/><rect x="13" y="5" width="8" height="14" rx="1.5"/></svg>',
  zoom: '<svg viewBox="0 0 24 24" aria-hidden="true"><circle cx="10.5" cy="10.5" r="6.5"/><path d="m15.5 15.5 5 5M10.5 8v5M8 10.5h5"/></svg>',
  paint: '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M18.4 3.6a2 2 0 0 1 2.8 2.8L12 15.6 8.4 12zM8.4 12c-2.4 0-4 1.6-4 4 0 1.7-.8 2.8-2 3.4 1.3.4 3 .6 4.6.6 3.2 0 5-2 5-4.4"/></svg>',
  erase: '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="m7 21-4.3-4.3a1 1 0 0 1 0-1.4L13.3 4.7a1 1 0 0 1 1.4 0l5.6 5.6a1 1 0 0 1 0 1.4L11 21zM22 21H7M5.5 12.5l6 6"/></svg>',
  undo: '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M9 14 4 9l5-5M4 9h10.5a5.5 5.5 0 0 1 0 11H11"/></svg>',
  redo: '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="m15 14 5-5-5-5M20 9H9.5a5.5 5.5 0 0 0 0 11H13"/></svg>',
  download: '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M12 4v12m0 0-5-5m5 5 5-5M4 20h16"/></svg>',
  alert: '<svg viewBox="0 0 24 24" aria-hidden="true"><circle cx="12" cy="12" r="9"/><path d="M12 7.5v5.5M12 16.5v.01"/></svg>',
  close: '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M6 6l12 12M18 6 6 18"/></svg>',
  hairline: '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M3 15c2-6 5-8 9-8s7 2 9 8"/><circle cx="3" cy="15" r="1.6"/><circle cx="12" cy="7" r="1.6"/><circle cx="21" cy="15" r="1.6"/></svg>',
  strip: '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M4 17c3-1 5-6 8-6s5 4 8 3"/><path d="M4 13.5c3-1 5-6 8-6s5 4 8 3M4 20.5c3-1 5-6 8-6s5 4 8 3" stroke-dasharray="2 2.5" stroke-width="1.5"/></svg>',
  dot: '<svg viewBox="0 0 24 24" aria-hidden="true"><circle cx="7" cy="8" r="2"/><circle cx="16" cy="6" r="2"/><circle cx="12" cy="14" r="2"/><circle cx="6" cy="18" r="2"/><circle cx="18" cy="17" r="2"/></svg>',
  patch: '<svg viewBox="0 0 24 24" aria-hidden="true"><ellipse cx="12" cy="12" rx="8.5" ry="7" stroke-dasharray="3 2.6"/><path d="M12 12h8.5"/><circle cx="12" cy="12" r="1.2"/></svg>',
  remove: '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M7 7l10 10M17 7 7 17"/></svg>',
  chevron: '<svg class="chevron" viewBox="0 0 24 24" aria-hidden="true"><path d="m6 9 6 6 6-6"/></svg>',
};

const STYLE = /* css */ `
:host {
  --_accent: var(--smp-accent, #0f766e);
  --_accent-contrast: var(--smp-accent-contrast, #ffffff);
  --_font: var(--smp-font, system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif);
  --_radius: var(--smp-radius, 12px);
  --_surface: var(--smp-surface, #ffffff);
  --_text: var(--smp-text, #1f2933);
  --_muted: var(--smp-muted, #5f6b7a);
  --_border: var(--smp-border, #dde3ea);
  --_control-bg: var(--smp-control-bg, #f3f5f8);
  --_stage-bg: var(--smp-stage-bg, #e9edf1);
  --_divider: var(--smp-divider-color, #ffffff);
  --_error: var(--smp-error-color, #b42318);
  --_stage-max-height: var(--smp-stage-max-height, 72vh);
  --_cta: var(--smp-cta-bg, var(--_accent));
  --_cta-contrast: var(--smp-cta-color, var(--_accent-contrast));
  display: block;
  container-type: inline-size;
  font-family: var(--_font);
  color: var(--_text);
  font-size: 15px;
  line-height: 1.4;
}
:host([hidden]) { display: none; }
* { box-sizing: border-box; }
[hidden] { display: none !important; }
svg { width: 18px; height: 18px; fill: none; stroke: currentColor; stroke-width: 2; stroke-linecap: round; stroke-linejoin: round; flex: none; }

.frame {
  /* Inherited properties a host page might set (on the element itself or an ancestor) stop here. */
  font: 400 15px/1.4 var(--_font); color: var(--_text);
  letter-spacing: normal; word-spacing: normal; text-transform: none; text-align: start; text-indent: 0;
  text-shadow: none; white-space: normal; font-style: normal; font-variant: normal; visibility: visible;
  cursor: auto; direction: ltr; writing-mode: horizontal-tb; hyphens: manual; word-break: normal;
  background: var(--_surface);
  border: 1px solid var(--_border);
  border-radius: var(--_radius);
  overflow: hidden;
  overflow: clip; /* clips the corners without becoming a scroll container (the stage is sticky) */
}

/* Brand row: the clinic's logo and its call to action */
.brand {
  display: flex; flex-wrap: wrap; align-items: center; gap: 8px 12px;
  padding: 10px 12px; border-bottom: 1px solid var(--_border);
}
.brand .spacer { flex: 1 1 0; }
.logo { display: block; height: var(--smp-logo-height, 36px); width: auto; max-width: 50%; object-fit: contain; }
.cta {
  display: inline-flex; align-items: center; justify-content: center; min-height: 40px; padding: 0 16px;
  font: inherit; font-size: 15px; font-weight: 650; text-decoration: none; text-align: center;
  background: var(--_cta); color: var(--_cta-contrast); border-radius: calc(var(--_radius) * 0.66);
}
.cta:hover { filter: brightness(1.08); }
.cta:focus-visible { outline: 3px solid color-mix(in srgb, var(--_accent) 55%, transparent); outline-offset: 2px; }

/* Toolbar above the stage */
.toolbar {
  display: flex; flex-wrap: wrap; align-items: center; gap: 8px 12px;
  padding: 10px 12px;
  border-bottom: 1px solid var(--_border);
}
.toolbar .spacer { flex: 1 1 0; }
.group { display: flex; align-items: center; gap: 4px; }

button, .upload {
  font: inherit; font-size: 14px; font-weight: 550; color: var(--_text);
  display: inline-flex; align-items: center; justify-content: center; gap: 6px;
  min-height: 38px; padding: 0 12px;
  background: var(--_control-bg); border: 1px solid transparent;
  border-radius: calc(var(--_radius) * 0.66);
  cursor: pointer; user-select: none; -webkit-user-select: none;
  transition: background-color .15s, color .15s, border-color .15s, box-shadow .15s;
}
button:hover:not(:disabled), .upload:hover { border-color: var(--_border); filter: brightness(0.98); }
button:disabled { opacity: .42; cursor: default; }
button:focus-visible, .upload:focus-within, input:focus-visible, select:focus-visible, .handle:focus-visible, .eye-handle:focus-visible, .stage:focus-visible, summary:focus-visible {
  outline: 3px solid color-mix(in srgb, var(--_accent) 55%, transparent); outline-offset: 2px;
}
.upload { background: var(--_accent); color: var(--_accent-contrast); position: relative; }
.upload:hover { filter: brightness(1.08); }
.upload input { position: absolute; inset: 0; opacity: 0; width: 100%; cursor: pointer; font-size: 0; }
.icon-button { padding: 0 10px; }

.segmented { display: inline-flex; background: var(--_control-bg); border-radius: calc(var(--_radius) * 0.66); padding: 3px; gap: 2px; }
.segmented button { min-height: 32px; background: transparent; padding: 0 12px; }
.segmented button[aria-pressed="true"] { background: var(--_surface); color: var(--_accent); box-shadow: 0 1px 3px rgba(16, 24, 40, .14); }

/* The stage: before canvas, after canvas clipped at the divider, area tint, cursor, handle */
.stage-wrap { background: var(--_stage-bg); display: flex; justify-content: center; }
.stage {
  position: relative; width: 100%;
  max-width: calc(var(--_stage-max-height) * var(--aspect, 1.3333));
  aspect-ratio: var(--aspect, 1.3333);
  overflow: hidden; touch-action: pan-y; user-select: none; -webkit-user-select: none;
  -webkit-touch-callout: none; cursor: ew-resize; outline: none;
}
.stage[data-tool="paint"], .stage[data-tool="erase"] { touch-action: none; cursor: none; }
.stage[data-tool="strip"], .stage[data-tool="dot"], .stage[data-tool="patch"] { touch-action: none; cursor: crosshair; }
.stage[data-tool="hairline"] { cursor: default; }
.view { position: absolute; inset: 0; transform-origin: 0 0; }
.view > canvas, .side-before > canvas { position: absolute; inset: 0; width: 100%; height: 100%; display: block; pointer-events: none; }
.view > canvas.after { clip-path: inset(0 0 0 var(--split, 50%)); }
.view > canvas.area { opacity: 0; transition: opacity .15s; }
.stage.show-area canvas.area { opacity: var(--smp-area-opacity, .6); }
/* Compare views: a divider up and down (before above), or before and after side by side. */
.stage-wrap[data-compare="y"] .view > canvas.after { clip-path: inset(var(--split, 50%) 0 0 0); }
.stage-wrap[data-compare="y"] .divider { top: var(--split, 50%); bottom: auto; left: 0; right: 0; width: auto; height: 0; }
.stage-wrap[data-compare="y"] .divider::before { top: -1px; bottom: auto; left: 0; right: 0; width: auto; height: 2px; }
.stage-wrap[data-compare="y"] .handle { top: 0; left: 50%; cursor: ns-resize; touch-action: none; }
.stage-wrap[data-compare="y"] .handle svg { transform: rotate(90deg); }
.stage-wrap[data-compare="y"] .stage[data-tool="compare"] { cursor: ns-resize; }
.stage-wrap[data-compare="y"] .label.tag-after { top: auto; bottom: 10px; }
.side-before { display: none; position: relative; overflow: hidden; aspect-ratio: var(--aspect, 1.3333); }
.stage-wrap[data-compare="side"] { gap: 8px; }
.stage-wrap[data-compare="side"] .side-before { display: block; }
.stage-wrap[data-compare="side"] .side-before, .stage-wrap[data-compare="side"] .stage {
  width: calc(50% - 4px); max-width: calc(var(--_stage-max-height) * var(--aspect, 1.3333));
}
.stage-wrap[data-compare="side"] .view > canvas.after { clip-path: none; }
.stage-wrap[data-compare="side"] .divider, .stage-wrap[data-compare="side"] .tag-before, .stage-wrap[data-compare="side"] canvas.before { display: none; }
.stage-wrap[data-compare="side"] .stage[data-tool="compare"] { cursor: default; }
.label.tag-side { left: 10px; }
/* Press and hold: the after layer steps aside to show the photo before. */
.stage.holding .view > canvas.after { visibility: hidden; }
.stage-wrap[data-compare="side"] .stage.holding canvas.before { display: block; }
.loupe {
  position: absolute; left: 0; top: 0; width: 180px; height: 180px; border-radius: 50%; pointer-events: none;
  border: 3px solid #fff; box-shadow: 0 0 0 1px rgba(0, 0, 0, .5), 0 6px 18px rgba(0, 0, 0, .45); background: var(--_stage-bg);
}
.stage.zooming { cursor: zoom-in; }
.stage.drop-target::after {
  content: var(--_drop-text, ""); position: absolute; inset: 10px;
  display: grid; place-items: center; text-align: center; padding: 16px;
  font-weight: 650; font-size: 18px; color: #fff;
  border: 3px dashed var(--_accent-contrast); border-radius: var(--_radius);
  background: color-mix(in srgb, var(--_accent) 70%, transparent);
  pointer-events: none;
}
.label {
  position: absolute; top: 10px; padding: 3px 9px; border-radius: 999px;
  font-size: 12px; font-weight: 650; letter-spacing: .04em; text-transform: uppercase;
  color: #fff; background: rgba(17, 24, 39, .58); pointer-events: none; transition: opacity .15s;
}
.label.tag-before { left: 10px; }
.label.tag-after { right: 10px; }
.divider { position: absolute; top: 0; bottom: 0; left: var(--split, 50%); width: 0; pointer-events: none; }
.divider::before {
  content: ""; position: absolute; top: 0; bottom: 0; left: -1px; width: 2px;
  background: var(--_divider); box-shadow: 0 0 4px rgba(0, 0, 0, .45);
}
.handle {
  position: absolute; top: 50%; left: 0; width: 44px; height: 44px; margin: -22px 0 0 -22px;
  border-radius: 50%; background: var(--_divider); color: #1f2933;
  display: grid; place-items: center; pointer-events: auto; cursor: ew-resize; touch-action: pan-y;
  box-shadow: 0 2px 8px rgba(0, 0, 0, .35);
}
.handle svg { width: 22px; height: 22px; }
.stage:not([data-tool="compare"]) .handle { opacity: .75; }
/* While the pupils, the hairline or patches are edited, the divider's knob steps aside. */
.stage.scale-mode .handle, .stage.marks-mode .handle { top: 85%; }
.cursor {
  position: absolute; left: 0; top: 0; border-radius: 50%; pointer-events: none; display: none;
  border: 2px solid #fff; box-shadow: 0 0 0 1px rgba(0, 0, 0, .55), inset 0 0 0 1px rgba(0, 0, 0, .55);
}
.cursor.erase { border-style: dashed; }
.cursor.visible { display: block; }
/* Marks of the treatment area: the hairline with its handles, scars and patches as outlines.
   The SVG uses the image's pixels as its coordinates; handles sit at fractions of the stage. */
.marks { position: absolute; inset: 0; pointer-events: none; }
.marks-svg { position: absolute; inset: 0; width: 100%; height: 100%; overflow: visible; stroke-width: 2; }
.marks-svg path, .marks-svg ellipse, .marks-svg polyline { vector-effect: non-scaling-stroke; fill: none; stroke-linecap: round; stroke-linejoin: round; }
.marks-svg .shade, .marks-svg .hairline-shade { stroke: rgba(0, 0, 0, .5); stroke-width: 4; }
.marks-svg .line { stroke: #fff; stroke-width: 1.75; stroke-dasharray: 5 4; }
.marks-svg .hairline-main { stroke: #fff; stroke-width: 2.25; stroke-dasharray: 8 5; }
.marks-svg polyline.band { vector-effect: none; stroke: rgba(255, 255, 255, .32); }
.marks-svg .dots { fill: rgba(255, 255, 255, .35); }
.mark-handle {
  position: absolute; left: 0; top: 0; width: 40px; height: 40px; margin: -20px 0 0 -20px;
  border-radius: 50%; pointer-events: auto; cursor: move; touch-action: none; outline: none;
  display: grid; place-items: center; font-size: 11px; font-weight: 700; color: var(--_accent); isolation: isolate;
}
.mark-handle::before {
  content: ""; position: absolute; inset: 11px; border-radius: 50%; z-index: -1;
  background: #fff; border: 2px solid var(--_accent); box-shadow: 0 0 0 1px rgba(0, 0, 0, .45), 0 1px 4px rgba(0, 0, 0, .4);
}
.mark-handle.rim { cursor: nwse-resize; }
.mark-handle.rim::before { inset: 13px; border-radius: 3px; transform: rotate(45deg); background: var(--_accent); border-color: #fff; }
.mark-handle.centre { z-index: 1; } /* above the rim handle of a small patch */
.mark-handle.centre::before { inset: 9px; }
.mark-handle:hover::before, .mark-handle.dragging::before, .mark-handle:focus-visible::before {
  box-shadow: 0 0 0 4px color-mix(in srgb, var(--_accent) 45%, transparent), 0 1px 4px rgba(0, 0, 0, .4);
}
.patch-handles { position: absolute; inset: 0; }

/* Eye-line marker (pupils, for the physical scale) and the scale bar, in fractions of the stage */
.eye-marker { position: absolute; inset: 0; pointer-events: none; }
.eye-marker[hidden], .scale-bar[hidden] { display: none; }
.eye-marker svg { position: absolute; inset: 0; width: 100%; height: 100%; overflow: visible; }
.eye-marker line { stroke-linecap: round; }
.eye-marker line.shade { stroke: rgba(0, 0, 0, .5); stroke-width: 4; }
.eye-marker line.main { stroke: #fff; stroke-width: 2; stroke-dasharray: 6 4; }
.eye-distance {
  position: absolute; left: 50%; top: 40%; transform: translate(-50%, calc(-100% - 10px));
  padding: 2px 8px; border-radius: 999px; white-space: nowrap;
  font-size: 12px; font-weight: 650; font-variant-numeric: tabular-nums;
  color: #fff; background: rgba(17, 24, 39, .7);
}
.eye-handle {
  position: absolute; left: 0; top: 0; width: 40px; height: 40px; margin: -20px 0 0 -20px;
  border-radius: 50%; pointer-events: auto; cursor: move; touch-action: none; outline: none;
}
.eye-handle::before {
  content: ""; position: absolute; inset: 7px; border-radius: 50%;
  border: 2px solid #fff; box-shadow: 0 0 0 1px rgba(0, 0, 0, .6), inset 0 0 0 1px rgba(0, 0, 0, .6);
}
.eye-handle::after {
  content: ""; position: absolute; left: 50%; top: 50%; width: 4px; height: 4px; margin: -2px 0 0 -2px;
  border-radius: 50%; background: var(--_accent); box-shadow: 0 0 0 1px #fff;
}
.eye-handle:hover::before, .eye-handle.dragging::before, .eye-handle:focus-visible::before { border-color: var(--_accent-contrast); background: color-mix(in srgb, var(--_accent) 25%, transparent); }
.scale-bar {
  position: absolute; left: 10px; bottom: 10px; display: grid; justify-items: center; gap: 1px;
  padding: 3px 8px 6px; border-radius: 8px; pointer-events: none;
  font-size: 11.5px; font-weight: 650; font-variant-numeric: tabular-nums;
  color: #fff; background: rgba(17, 24, 39, .58);
}
.scale-bar-line { display: block; height: 6px; border: 2px solid #fff; border-top: 0; }
.busy {
  position: absolute; inset: 0; display: none; place-items: center;
  background: rgba(17, 24, 39, .45); color: #fff; font-weight: 600;
}
.busy.visible { display: grid; }
.busy span { background: rgba(17, 24, 39, .75); padding: 8px 14px; border-radius: 999px; }

/* Compare view, hold and zoom, under the toolbar */
.view-bar { display: flex; flex-wrap: wrap; align-items: center; gap: 8px 12px; padding: 8px 12px; border-bottom: 1px solid var(--_border); }
.view-bar .spacer { flex: 1 1 0; }
.view-bar .segmented button { min-height: 32px; padding: 0 10px; }
.view-bar .group button { min-height: 34px; }
button.hold[aria-pressed="true"], button.toggle[aria-pressed="true"] { background: var(--_accent); color: var(--_accent-contrast); }

/* Messages */
.message {
  display: none; align-items: flex-start; gap: 10px;
  margin: 0; padding: 10px 12px; border-bottom: 1px solid var(--_border);
  color: var(--_error); background: color-mix(in srgb, var(--_error) 8%, var(--_surface));
  font-weight: 500;
}
.message > svg { margin-top: 1px; }
.message.visible { display: flex; }
.message p { margin: 0; flex: 1; }
.message button { min-height: 28px; padding: 0 6px; background: transparent; color: inherit; }

/* Controls below the stage (beside it when wide): one section per concern */
.panel > * + * { border-top: 1px solid var(--_border); }
.treatment-bar, .hairline-bar, .shapes-bar, .export-bar { display: grid; gap: 10px; padding: 14px 16px 16px; }
.export-bar .field .segmented { display: flex; }
.export-bar .field .segmented button { flex: 1 1 0; padding: 0 6px; }
.share-field { font: inherit; font-size: 13px; width: 100%; min-height: 38px; padding: 0 10px; color: var(--_text); background: var(--_surface); border: 1px solid var(--_border); border-radius: calc(var(--_radius) * 0.5); }
.hint, .hairline-bar small, .shapes-bar small { color: var(--_muted); font-size: 12.5px; }
.choices { display: grid; grid-template-columns: repeat(3, minmax(0, 1fr)); gap: 6px; }
.choice { position: relative; display: flex; cursor: pointer; }
.choice input { position: absolute; inset: 0; width: 100%; height: 100%; margin: 0; opacity: 0; cursor: pointer; }
.choice span {
  flex: 1 1 auto; display: grid; place-items: center; text-align: center; min-height: 38px; padding: 4px 8px;
  font-size: 13.5px; font-weight: 600; line-height: 1.2; background: var(--_control-bg); border: 1px solid transparent;
  border-radius: calc(var(--_radius) * 0.66); transition: background-color .15s, color .15s, border-color .15s;
}
.choice:hover span { border-color: var(--_border); }
.choice input:checked + span { background: var(--_accent); color: var(--_accent-contrast); }
.choice input:focus-visible + span { outline: 3px solid color-mix(in srgb, var(--_accent) 55%, transparent); outline-offset: 2px; }
.button-row { display: flex; flex-wrap: wrap; gap: 8px; }
.button-row button { flex: 1 1 auto; }
.hairline-bar .hairline-advice:not(:empty) { margin-top: 0; }
.new-sizes { display: grid; grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 8px 16px; }
.new-sizes small { grid-column: 1 / -1; }
.shape-list { list-style: none; margin: 0; padding: 0; display: grid; gap: 6px; }
.shape-list:empty { display: none; }
.shape-row { display: grid; grid-template-columns: minmax(0, 1fr) 96px 38px; align-items: center; gap: 8px; font-size: 14px; }
.shape-row.no-size { grid-template-columns: minmax(0, 1fr) auto; }
.shape-row .shape-name { font-weight: 600; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.shape-row button { padding: 0 10px; }
.shape-row button.remove { padding: 0; width: 38px; }
.area-bar {
  display: flex; flex-wrap: wrap; align-items: center; gap: 8px 12px;
  padding: 10px 12px;
}
.area-bar .hint { color: var(--_muted); font-size: 13px; flex: 1 1 220px; }
.check { display: inline-flex; align-items: center; gap: 6px; min-height: 32px; font-size: 14px; cursor: pointer; }
.check input { width: 18px; height: 18px; accent-color: var(--_accent); margin: 0; }
.sliders { display: grid; grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 14px 28px; padding: 14px 16px 18px; }
.field { display: grid; grid-template-columns: 1fr auto; align-items: baseline; gap: 2px 8px; }
.field label { font-weight: 600; font-size: 14px; }
.field output { font-variant-numeric: tabular-nums; font-weight: 600; color: var(--_accent); font-size: 14px; }
.field input[type="range"] { grid-column: 1 / -1; width: 100%; margin: 6px 0 2px; accent-color: var(--_accent); height: 24px; cursor: pointer; }
.field small { grid-column: 1 / -1; color: var(--_muted); font-size: 12.5px; }
.field-label { font-weight: 600; font-size: 14px; }
.field select { grid-column: 1 / -1; margin: 6px 0 2px; }
.field .segmented { grid-column: 1 / -1; display: flex; margin: 6px 0 2px; }
.field .segmented button { flex: 1 1 0; padding: 0 6px; font-variant-numeric: tabular-nums; }
select, input[type="number"] {
  font: inherit; font-size: 14px; color: var(--_text); width: 100%; min-width: 0; min-height: 38px;
  padding: 0 10px; background: var(--_surface); border: 1px solid var(--_border);
  border-radius: calc(var(--_radius) * 0.5);
}
select { cursor: pointer; }
.sliders .check { align-self: center; }
.stage-controls { padding: 14px 16px 18px; }
.scale-grid { padding: 2px 16px 18px; }
.stage-grid, .scale-grid { display: grid; grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 14px 28px; }
.scale-grid { gap: 10px 16px; }
/* A collapsible section (Physical scale): the summary row names it and shows its current value. */
.collapsible > summary {
  display: flex; align-items: center; gap: 10px; padding: 14px 16px;
  list-style: none; cursor: pointer; user-select: none; -webkit-user-select: none;
  border-radius: calc(var(--_radius) * 0.33); outline-offset: -3px;
}
.collapsible > summary::-webkit-details-marker { display: none; }
@media (hover: hover) {
  .collapsible > summary:hover { background: color-mix(in srgb, var(--_control-bg) 70%, transparent); }
  .collapsible > summary:hover .section-title { color: var(--_text); }
}
.collapsible[open] > summary { padding-bottom: 10px; }
.summary-text { flex: 1 1 auto; min-width: 0; }
.summary-text .section-title { display: inline; transition: color .15s; }
.summary-value { font-size: 13px; color: var(--_muted); font-variant-numeric: tabular-nums; }
.summary-value output { font-weight: 650; color: var(--_accent); }
.summary-value[hidden] { display: none; }
/* In a narrow column (beside the picture, or on a phone) the value goes under the name. */
@container (min-width: 860px) or (max-width: 560px) {
  .summary-value { display: block; margin-top: 3px; }
  .summary-value .summary-sep { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
}
.chevron { width: 18px; height: 18px; color: var(--_muted); transition: transform .15s; }
.collapsible[open] .chevron { transform: rotate(180deg); }
.advice:not(:empty), .hairline-advice:not(:empty) {
  margin-top: 14px; padding: 8px 12px; font-size: 13.5px;
  border-left: 3px solid var(--_accent); border-radius: calc(var(--_radius) * 0.33);
  background: color-mix(in srgb, var(--_accent) 9%, var(--_surface));
}
.scale-buttons { grid-column: 1 / -1; display: flex; flex-wrap: wrap; gap: 8px; }
.scale-buttons button { flex: 1 1 auto; }
button.toggle[aria-pressed="true"] { background: var(--_accent); color: var(--_accent-contrast); }
.number-field { display: grid; gap: 4px; align-content: start; }
.number-field label { font-weight: 600; font-size: 14px; }
.unit-input { position: relative; display: flex; align-items: center; }
.unit-input input { padding-right: 38px; font-variant-numeric: tabular-nums; }
.unit-input span { position: absolute; right: 10px; color: var(--_muted); font-size: 13px; pointer-events: none; }
.scale-grid small { grid-column: 1 / -1; color: var(--_muted); font-size: 12.5px; }
.field.brush { min-width: 200px; flex: 1 1 240px; grid-template-columns: auto 1fr auto; align-items: center; gap: 0 10px; }
.field.brush input[type="range"] { grid-column: auto; margin: 0; }
.section-title {
  margin: 0; flex: 1 1 100%; grid-column: 1 / -1;
  font-size: 12px; font-weight: 700; letter-spacing: .06em; text-transform: uppercase; color: var(--_muted);
}

/* Wide: the controls sit beside the picture, so every slider is in view while it is moved. */
@container (min-width: 860px) {
  .body { display: grid; grid-template-columns: minmax(0, 1fr) 300px; min-height: 440px; }
  /* The panel is exactly as tall as the picture's area (size containment: its content does not
     make the row taller) and scrolls in its own column. The two "local" layers cover the two
     shadows while the content is at that end, so a shadow shows only where more is hidden. */
  .panel {
    contain: size; overflow-y: auto; scrollbar-width: thin; scrollbar-color: var(--_border) transparent;
    border-left: 1px solid var(--_border);
    background:
      linear-gradient(var(--_surface) 40%, transparent) center top / 100% 28px no-repeat local,
      linear-gradient(transparent, var(--_surface) 60%) center bottom / 100% 28px no-repeat local,
      linear-gradient(rgba(16, 24, 40, .16), rgba(16, 24, 40, 0)) center top / 100% 12px no-repeat,
      linear-gradient(rgba(16, 24, 40, 0), rgba(16, 24, 40, .16)) center bottom / 100% 12px no-repeat,
      var(--_surface);
  }
  .stage-wrap { align-items: center; padding: 14px; }
  .stage { border-radius: calc(var(--_radius) * 0.5); box-shadow: 0 1px 3px rgba(16, 24, 40, .18); }
  .sliders, .stage-grid { grid-template-columns: 1fr; gap: 16px; }
  .area-bar { padding: 14px 16px 16px; gap: 12px; }
  .area-bar .field.brush { flex: 1 1 100%; }
  .area-bar button { flex: 1 1 0; }
  .area-bar .check { flex: 1 1 100%; }
  .choices { grid-template-columns: repeat(2, minmax(0, 1fr)); }
}
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }

@container (max-width: 560px) {
  .toolbar { padding: 8px; gap: 8px; }
  .toolbar .spacer { display: none; }
  .toolbar .upload { flex: 1 1 100%; }
  .segmented { flex: 1 1 100%; }
  .segmented button { flex: 1 1 0; padding: 0 8px; }
  .toolbar .group { flex: 1 1 100%; }
  .toolbar .group button { flex: 1 1 0; }
  .view-bar { padding: 8px; gap: 8px; }
  .view-bar .spacer { display: none; }
  .view-bar .group { flex: 1 1 100%; }
  .view-bar .group button { flex: 1 1 0; }
  .view-bar .segmented button { flex: 1 1 auto; padding: 0 4px; font-size: 13px; }
  .view-bar .segmented svg { display: none; }
  .sliders, .stage-grid { grid-template-columns: 1fr; gap: 12px; }
  .sliders, .stage-controls { padding: 12px; }
  .collapsible > summary { padding: 12px; }
  .scale-grid { padding: 2px 12px 12px; }
  .area-bar { padding: 10px 8px; }
  .treatment-bar, .hairline-bar, .shapes-bar, .export-bar { padding: 12px; }
  .brand { padding: 8px; flex-wrap: nowrap; }
  .brand .spacer { display: none; }
  .logo { max-width: 42%; height: min(var(--smp-logo-height, 36px), 32px); }
  .cta { flex: 1 1 auto; padding: 4px 10px; font-size: 14px; line-height: 1.2; }
  .choices { grid-template-columns: repeat(2, minmax(0, 1fr)); }
  /* Four or five tools keep to one row on a phone: words without icons. */
  .segmented.tools:is([data-count="4"], [data-count="5"]) button { flex: 1 1 auto; padding: 0 6px; }
  .segmented.tools:is([data-count="4"], [data-count="5"]) svg { display: none; }
  .segmented.tools[data-count="5"] button { padding: 0 4px; font-size: 13.5px; }
  .segmented { flex-wrap: wrap; }
  .area-bar .field.brush { flex: 1 1 100%; }
  .area-bar button { flex: 1 1 auto; }
  .label { top: 8px; font-size: 11px; }
}
/* The narrowest phones: the undo, redo and save buttons keep their words and drop their icons. */
@container (max-width: 400px) {
  .toolbar .group button { min-width: 0; padding: 0 6px; }
  .toolbar .group svg, .segmented.tools svg { display: none; }
  .segmented.tools button { flex: 1 1 auto; padding: 0 6px; }
}
@media (prefers-reduced-motion: reduce) { * { transition: none !important; } }
`;

/** Escapes text for HTML (quotes included, for attribute values). */
function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A strings table with every plain string escaped for HTML (functions stay as they are). */
function escapedStrings(value) {
  if (typeof value === 'string') return escapeHtml(value);
  if (Array.isArray(value)) return value.map(escapedStrings);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, escapedStrings(v)]));
  return value;
}

let sharedSheet = null;
/**
 * The element's styles as one constructed stylesheet shared by every instance: unlike a
 * `<style>` element it needs no 'unsafe-inline' under a Content Security Policy.
 */
function adoptStyles(root) {
  if (typeof CSSStyleSheet === 'function' && 'replaceSync' in CSSStyleSheet.prototype && 'adoptedStyleSheets' in root) {
    if (!sharedSheet) {
      sharedSheet = new CSSStyleSheet();
      sharedSheet.replaceSync(STYLE);
    }
    root.adoptedStyleSheets = [sharedSheet];
  } else {
    const style = document.createElement('style');
    style.textContent = STYLE;
    root.prepend(style);
  }
}

/** The shadow DOM's markup. Every string from the table is escaped: text, never markup. */
function template(strings) {
  const T = escapedStrings(strings);
  const sliders = STYLE_SLIDERS.map(
    (s) => `
      <div class="field">
        <label for="s-${s.key}">${T.sliders[s.key][0]}</label>
        <output id="o-${s.key}" for="s-${s.key}"></output>
        <input type="range" id="s-${s.key}" data-key="${s.key}" step="${s.step}" aria-describedby="h-${s.key}">
        <small id="h-${s.key}">${T.sliders[s.key][1]}</small>
      </div>`,
  ).join('');
  const pigments = PIGMENTS.map((value) => `<option value="${value}">${T.pigments[value]}</option>`).join('');
  const tool = (name, icon, hidden = '') => `<button type="button" data-tool="${name}" aria-pressed="${name === 'compare'}" title="${T.tools[name][1]}"${hidden}>${icon}<span class="tool-text">${T.tools[name][0]}</span></button>`;
  const view = (mode, icon) => `<button type="button" data-compare="${mode}" aria-pressed="${mode === 'x'}" title="${T.views[mode][1]}">${icon}<span>${T.views[mode][0]}</span></button>`;
  return `
<div class="frame" part="frame">
  <div class="brand" part="brand" hidden>
    <img class="logo" part="logo" alt="" hidden>
    <span class="spacer"></span>
    <a class="cta" part="cta" target="_blank" rel="noopener" hidden></a>
  </div>
  <div class="toolbar" part="toolbar">
    <label class="upload" part="upload">${ICONS.upload}<span>${T.upload}</span><input type="file" accept="image/*" aria-label="${T.upload}"></label>
    <div class="segmented tools" role="group" aria-label="${T.tool}">
      ${tool('compare', ICONS.compare)}
      ${tool('paint', ICONS.paint)}
      ${tool('erase', ICONS.erase)}
      ${tool('hairline', ICONS.hairline, ' hidden')}
      ${tool('strip', ICONS.strip, ' hidden')}
      ${tool('dot', ICONS.dot, ' hidden')}
      ${tool('patch', ICONS.patch, ' hidden')}
    </div>
    <span class="spacer"></span>
    <div class="group">
      <button type="button" class="icon-button" data-action="undo" aria-label="${T.undo}" title="${T.undoTitle}" disabled>${ICONS.undo}<span class="button-text">${T.undo}</span></button>
      <button type="button" class="icon-button" data-action="redo" aria-label="${T.redo}" title="${T.redoTitle}" disabled>${ICONS.redo}<span class="button-text">${T.redo}</span></button>
      <button type="button" class="icon-button" data-action="save" aria-label="${T.saveLabel}" title="${T.saveTitle}">${ICONS.download}<span class="button-text">${T.save}</span></button>
    </div>
  </div>
  <div class="view-bar" part="view-controls">
    <div class="segmented compare-modes" role="group" aria-label="${T.compareView}">
      ${view('x', ICONS.compare)}
      ${view('y', ICONS.compareY)}
      ${view('side', ICONS.side)}
    </div>
    <span class="spacer"></span>
    <div class="group">
      <button type="button" class="hold" data-action="hold" aria-pressed="false" title="${T.holdTitle}">${T.hold}</button>
      <button type="button" class="toggle" data-action="zoom" aria-pressed="false" title="${T.zoomTitle}">${ICONS.zoom}<span>${T.zoom}</span></button>
      <button type="button" data-action="fit" hidden>${T.fit}</button>
    </div>
  </div>
  <div class="message" part="message" role="alert" aria-live="assertive">${ICONS.alert}<p></p><button type="button" aria-label="${T.dismiss}">${ICONS.close}</button></div>
  <div class="body">
  <div class="stage-wrap" data-compare="x">
    <div class="side-before" aria-hidden="true"><canvas class="before-copy" part="before-copy"></canvas><span class="label tag-side">${T.before}</span></div>
    <div class="stage" part="stage" tabindex="0" data-tool="compare" role="group" aria-label="${T.stageLabel}">
      <div class="view">
      <canvas class="before" part="before"></canvas>
      <canvas class="after" part="after"></canvas>
      <canvas class="area" part="area"></canvas>
      <div class="divider" part="divider">
        <div class="handle" part="handle" role="slider" tabindex="0" aria-label="${T.divider}" aria-valuemin="0" aria-valuemax="100">${ICONS.compare}</div>
      </div>
      <div class="marks" part="marks" hidden>
        <svg class="marks-svg" aria-hidden="true" preserveAspectRatio="none"><g class="shape-marks"></g><path class="hairline-shade"></path><path class="hairline-main"></path></svg>
        ${T.hairlinePoints.map((name, i) => `<div class="mark-handle hairline-handle" data-point="${i}" role="slider" tabindex="0" aria-label="${name}" aria-valuemin="0" aria-valuemax="100" aria-describedby="h-hairline" hidden></div>`).join('')}
        <div class="patch-handles"></div>
      </div>
      <div class="eye-marker" part="eye-marker" hidden>
        <svg aria-hidden="true"><line class="shade"></line><line class="main"></line></svg>
        <span class="eye-distance" aria-hidden="true"></span>
        <div class="eye-handle" data-eye="0" role="slider" tabindex="0" aria-label="${T.leftPupil}" aria-valuemin="0" aria-valuemax="100" aria-describedby="eye-help"></div>
        <div class="eye-handle" data-eye="1" role="slider" tabindex="0" aria-label="${T.rightPupil}" aria-valuemin="0" aria-valuemax="100" aria-describedby="eye-help"></div>
      </div>
      </div>
      <span class="label tag-before" aria-hidden="true">${T.before}</span>
      <span class="label tag-after" aria-hidden="true">${T.after}</span>
      <div class="scale-bar" part="scale-bar" aria-hidden="true" hidden><span class="scale-bar-text"></span><span class="scale-bar-line"></span></div>
      <canvas class="loupe" part="loupe" aria-hidden="true" hidden></canvas>
      <div class="cursor" aria-hidden="true"></div>
      <div class="busy" aria-hidden="true"><span>${T.preparing}</span></div>
    </div>
  </div>
  <div class="panel">
  <div class="treatment-bar" part="treatment-controls">
    <h2 class="section-title" id="l-treatment">${T.treatment}</h2>
    <div class="choices" role="radiogroup" aria-labelledby="l-treatment" aria-describedby="h-treatment">${TREATMENTS.map((t) => `<label class="choice"><input type="radio" name="treatment" value="${t.value}"><span>${T.treatments[t.value][0]}</span></label>`).join('')}</div>
    <small class="hint" id="h-treatment"></small>
  </div>
  <div class="hairline-bar" part="hairline-controls" hidden>
    <h2 class="section-title">${T.hairline}</h2>
    <div class="field">
      <label for="s-hairlineStyle">${T.hairlineStyle}</label>
      <select id="s-hairlineStyle" aria-describedby="h-hairline-style">${HAIRLINE_STYLES.map((value) => `<option value="${value}">${T.hairlineStyles[value]}</option>`).join('')}</select>
      <small id="h-hairline-style">${T.hairlineStyleHint}</small>
    </div>
    <div class="button-row">
      <button type="button" class="toggle" data-action="edit-hairline" aria-pressed="false" title="${T.editHairlineTitle}">${T.editHairline}</button>
      <button type="button" data-action="remove-hairline" title="${T.removeHairlineTitle}">${T.removeHairline}</button>
      <button type="button" data-action="add-hairline" title="${T.addHairlineTitle}" hidden>${T.addHairline}</button>
    </div>
    <small class="hint" id="h-hairline"></small>
    <div class="hairline-advice" part="hairline-advice" data-hairline-advice aria-live="polite"></div>
  </div>
  <div class="shapes-bar" part="shape-controls" hidden>
    <h2 class="section-title" data-shapes-title>${T.scars}</h2>
    <div class="new-sizes" data-scar-sizes>
      <div class="number-field">
        <label for="s-stripWidth">${T.stripWidth}</label>
        <span class="unit-input"><input type="number" id="s-stripWidth" data-new-size="stripWidth" step="0.5" inputmode="decimal" aria-describedby="h-new-sizes"><span aria-hidden="true">mm</span></span>
      </div>
      <div class="number-field">
        <label for="s-dotDiameter">${T.dotSize}</label>
        <span class="unit-input"><input type="number" id="s-dotDiameter" data-new-size="dotDiameter" step="0.1" inputmode="decimal" aria-describedby="h-new-sizes"><span aria-hidden="true">mm</span></span>
      </div>
      <small id="h-new-sizes">${T.newSizesHint}</small>
    </div>
    <ul class="shape-list" aria-label="${T.shapes}"></ul>
    <small class="hint" id="h-shapes" data-shapes-hint></small>
  </div>
  <div class="area-bar" part="area-controls">
    <h2 class="section-title">${T.area}</h2>
    <div class="field brush">
      <label for="s-brush">${T.brushSize}</label>
      <input type="range" id="s-brush" min="${BRUSH_MM.min}" max="${BRUSH_MM.max}" step="${BRUSH_MM.step}" value="${BRUSH_MM.value}">
      <output id="o-brush" for="s-brush"></output>
    </div>
    <label class="check"><input type="checkbox" data-action="show-area">${T.showArea}</label>
    <button type="button" data-action="reset-area" title="${T.resetAreaTitle}">${T.resetArea}</button>
    <button type="button" data-action="clear-area" title="${T.clearAreaTitle}">${T.clearArea}</button>
  </div>
  <div class="stage-controls" part="stage-controls">
    <div class="stage-grid">
      <h2 class="section-title">${T.stage}</h2>
      <div class="field">
        <span class="field-label" id="l-session">${T.session}</span>
        <div class="segmented" role="group" aria-labelledby="l-session" aria-describedby="h-session" data-sessions></div>
        <small id="h-session">${T.sessionHint}</small>
      </div>
      <div class="field">
        <label for="s-months">${T.monthsLabel}</label>
        <output id="o-months" for="s-months"></output>
        <input type="range" id="s-months" min="0" max="0" step="1" value="0" aria-describedby="h-months">
        <small id="h-months">${T.monthsHint}</small>
      </div>
    </div>
    <div class="advice" part="advice" aria-live="polite"></div>
  </div>
  <div class="sliders" part="controls"><h2 class="section-title">${T.impressions}</h2>
      <div class="field">
        <label for="s-pigment">${T.pigment}</label>
        <select id="s-pigment" aria-describedby="h-pigment">${pigments}</select>
        <small id="h-pigment">${T.pigmentHint}</small>
      </div>${sliders}
      <label class="check"><input type="checkbox" data-action="grouping">${T.grouping}</label>
  </div>
  <details class="scale-controls collapsible" part="scale-controls">
    <summary>
      <span class="summary-text"><span class="section-title">${T.scale}</span><span class="summary-value" hidden><span class="summary-sep"> · </span><output data-scale-value></output> <span data-scale-from>${T.fromHeadWidth}</span></span></span>
      ${ICONS.chevron}
    </summary>
    <div class="scale-grid">
      <div class="scale-buttons">
        <button type="button" class="toggle" data-action="set-scale" aria-pressed="false" title="${T.setScaleTitle}">${T.setScale}</button>
        <button type="button" data-action="use-head-width" title="${T.useHeadWidthTitle}" disabled>${T.useHeadWidth}</button>
      </div>
      <div class="number-field">
        <label for="s-pupilDistance">${T.pupilDistance}</label>
        <span class="unit-input"><input type="number" id="s-pupilDistance" data-scale-key="pupilDistance" step="0.5" inputmode="decimal"><span aria-hidden="true">mm</span></span>
      </div>
      <div class="number-field">
        <label for="s-headWidth">${T.headWidth}</label>
        <span class="unit-input"><input type="number" id="s-headWidth" data-scale-key="headWidth" step="1" inputmode="decimal"><span aria-hidden="true">mm</span></span>
      </div>
      <small id="eye-help">${T.eyeHelp}</small>
    </div>
  </details>
  <div class="export-bar" part="export-controls">
    <h2 class="section-title">${T.saveShare}</h2>
    <div class="field">
      <span class="field-label" id="l-export-kind">${T.image}</span>
      <div class="segmented" role="group" aria-labelledby="l-export-kind" data-export-kinds>
        ${EXPORT_KINDS.map((kind) => `<button type="button" data-export-kind="${kind}" aria-pressed="${kind === 'after'}">${T.exportKinds[kind]}</button>`).join('')}
      </div>
    </div>
    <div class="field">
      <label for="s-format">${T.format}</label>
      <select id="s-format"><option value="image/png">PNG</option><option value="image/jpeg">JPEG</option></select>
    </div>
    <div class="button-row">
      <button type="button" data-action="download">${ICONS.download}${T.download}</button>
      <button type="button" data-action="share-image" hidden>${T.shareImage}</button>
      <button type="button" data-action="share-link" title="${T.copyLinkTitle}">${T.copyLink}</button>
    </div>
    <input type="text" class="share-field" readonly aria-label="${T.presetLink}" hidden>
    <small class="hint">${T.saveHint}</small>
  </div>
  </div>
  </div>
  <p class="visually-hidden" aria-live="polite" data-status></p>
</div>`;
}

/** A number for SVG markup: two decimals at most. */
function fmt(value) {
  return String(Math.round(value * 100) / 100);
}

/**
 * SVG path of the smooth curve through `points` (pixels): uniform Catmull-Rom with the end
 * points repeated, the curve the core draws, written as the equivalent cubic Béziers.
 */
function smoothPath(points) {
  const at = (i) => points[clamp(i, 0, points.length - 1)];
  let d = `M${fmt(points[0][0])} ${fmt(points[0][1])}`;
  for (let i = 0; i < points.length - 1; i++) {
    const [p0, p1, p2, p3] = [at(i - 1), at(i), at(i + 1), at(i + 2)];
    const c1 = [p1[0] + (p2[0] - p0[0]) / 6, p1[1] + (p2[1] - p0[1]) / 6];
    const c2 = [p2[0] - (p3[0] - p1[0]) / 6, p2[1] - (p3[1] - p1[1]) / 6];
    d += `C${fmt(c1[0])} ${fmt(c1[1])} ${fmt(c2[0])} ${fmt(c2[1])} ${fmt(p2[0])} ${fmt(p2[1])}`;
  }
  return d;
}

/** Ramer–Douglas–Peucker: the points of a polyline that keep it within `tolerance` (px). */
function simplify(points, tolerance) {
  if (points.length < 3) return points;
  const keep = new Uint8Array(points.length);
  keep[0] = keep[points.length - 1] = 1;
  const stack = [[0, points.length - 1]];
  while (stack.length) {
    const [a, b] = stack.pop();
    const [ax, ay] = points[a];
    const [bx, by] = points[b];
    const dx = bx - ax;
    const dy = by - ay;
    const len2 = dx * dx + dy * dy;
    let worst = -1;
    let far = 0;
    for (let i = a + 1; i < b; i++) {
      const [px, py] = points[i];
      const t = len2 > 0 ? clamp(((px - ax) * dx + (py - ay) * dy) / len2, 0, 1) : 0;
      const dist = Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
      if (dist > far) {
        far = dist;
        worst = i;
      }
    }
    if (worst >= 0 && far > tolerance) {
      keep[worst] = 1;
      stack.push([a, worst], [worst, b]);
    }
  }
  return points.filter((_, i) => keep[i]);
}

/** Arrow keys move a handle one displayed pixel, ten with Shift: [dx, dy], or null. */
function arrowStep(event) {
  const direction = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] }[event.key];
  if (!direction || event.ctrlKey || event.metaKey || event.altKey) return null;
  const step = event.shiftKey ? 10 : 1;
  return [direction[0] * step, direction[1] * step];
}

/** Puts an on-photo handle at (x, y) in fractions of the image and says where it is. */
function placeHandle(T, handle, x, y) {
  handle.style.left = `${x * 100}%`;
  handle.style.top = `${y * 100}%`;
  if (handle.getAttribute('role') === 'slider' && !handle.classList.contains('rim')) {
    handle.setAttribute('aria-valuenow', String(Math.round(x * 100)));
    handle.setAttribute('aria-valuetext', T.handleText(Math.round(x * 100), Math.round(y * 100)));
  }
}

/** Base64url of a string's UTF-8 bytes (no padding): safe in a URL fragment. */
function toBase64Url(text) {
  const bytes = new TextEncoder().encode(text);
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(text) {
  const b64 = text.replace(/-/g, '+').replace(/_/g, '/');
  const binary = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
  return new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
}

/** An https link (or a relative one on an https page) for the call to action, else null. */
function safeLink(href) {
  if (!href) return null;
  try {
    const url = new URL(href, document.baseURI);
    return url.protocol === 'https:' || (url.protocol === 'http:' && ['localhost', '127.0.0.1'].includes(url.hostname)) ? url.href : null;
  } catch {
    return null;
  }
}

function clone(value) {
  return JSON.parse(JSON.stringify(value));
}

function errorMessage(error, T = STRINGS.en) {
  if (error && error.startFailed) return T.startFailed(error.message);
  // A trap in the wasm module (a Rust panic) is a bug, not the visitor's doing.
  if (typeof WebAssembly !== 'undefined' && error instanceof WebAssembly.RuntimeError) {
    return T.internalError(error.message);
  }
  if (error && typeof error.message === 'string' && error.message) return error.message;
  return String(error);
}

function isTextField(el) {
  if (!el || el.nodeType !== 1) return false;
  if (el.isContentEditable) return true;
  const tag = el.tagName;
  if (tag === 'TEXTAREA') return true;
  if (tag === 'INPUT') {
    const type = (el.getAttribute('type') || 'text').toLowerCase();
    return !['button', 'checkbox', 'color', 'file', 'image', 'radio', 'range', 'reset', 'submit'].includes(type);
  }
  return false;
}


export class SmpPreview extends HTMLElement {
  static get observedAttributes() {
    return ['src', 'max-size', 'logo', 'logo-alt', 'cta-label', 'cta-href', 'share-key', 'compare'];
  }

  constructor() {
    super();
    this.attachShadow({ mode: 'open' });
    this._build();
  }

  /**
   * Builds the shadow DOM in the language of the `lang` attribute (here or on an ancestor) and
   * wires it. Runs again on connection when the language turned out different (an element made
   * with createElement gets its attributes after construction), as long as it has not started.
   */
  _build() {
    const root = this.shadowRoot;
    const pending = this._pendingSettings;
    if (this._resizeObserver) this._resizeObserver.disconnect();
    this._t = stringsFor(this);
    root.innerHTML = template(this._t);
    adoptStyles(root);
    const $ = (sel) => root.querySelector(sel);
    this._el = {
      stage: $('.stage'),
      before: $('canvas.before'),
      after: $('canvas.after'),
      area: $('canvas.area'),
      cursor: $('.cursor'),
      handle: $('.handle'),
      busy: $('.busy'),
      message: $('.message'),
      messageText: $('.message p'),
      file: $('input[type=file]'),
      undo: $('[data-action=undo]'),
      redo: $('[data-action=redo]'),
      showArea: $('[data-action=show-area]'),
      brush: $('#s-brush'),
      brushOut: $('#o-brush'),
      status: $('[data-status]'),
      labelBefore: $('.tag-before'),
      labelAfter: $('.tag-after'),
      sessions: $('[data-sessions]'),
      months: $('#s-months'),
      monthsOut: $('#o-months'),
      advice: $('.advice'),
      pigment: $('#s-pigment'),
      grouping: $('[data-action=grouping]'),
      setScale: $('[data-action=set-scale]'),
      useHeadWidth: $('[data-action=use-head-width]'),
      panel: $('.panel'),
      scaleSection: $('.scale-controls'),
      scaleSummaryValue: $('.summary-value'),
      scaleFrom: $('[data-scale-from]'),
      scaleValue: $('[data-scale-value]'),
      scaleInputs: Array.from(root.querySelectorAll('input[data-scale-key]')),
      eyeMarker: $('.eye-marker'),
      eyeHandles: Array.from(root.querySelectorAll('.eye-handle')),
      eyeLines: Array.from(root.querySelectorAll('.eye-marker line')),
      eyeDistance: $('.eye-distance'),
      scaleBar: $('.scale-bar'),
      scaleBarLine: $('.scale-bar-line'),
      scaleBarText: $('.scale-bar-text'),
      toolButtons: Array.from(root.querySelectorAll('button[data-tool]')),
      toolGroup: $('.segmented.tools'),
      treatmentRadios: Array.from(root.querySelectorAll('input[name=treatment]')),
      treatmentHint: $('#h-treatment'),
      hairlineBar: $('.hairline-bar'),
      hairlineStyle: $('#s-hairlineStyle'),
      editHairline: $('[data-action=edit-hairline]'),
      removeHairline: $('[data-action=remove-hairline]'),
      addHairline: $('[data-action=add-hairline]'),
      hairlineAdvice: $('[data-hairline-advice]'),
      hairlineHelp: $('#h-hairline'),
      shapesBar: $('.shapes-bar'),
      shapesTitle: $('[data-shapes-title]'),
      scarSizes: $('[data-scar-sizes]'),
      newSizeInputs: Array.from(root.querySelectorAll('input[data-new-size]')),
      shapeList: $('.shape-list'),
      shapesHint: $('[data-shapes-hint]'),
      marks: $('.marks'),
      marksSvg: $('.marks-svg'),
      shapeMarks: $('.shape-marks'),
      hairlinePaths: [$('.hairline-shade'), $('.hairline-main')],
      hairlineHandles: Array.from(root.querySelectorAll('.hairline-handle')),
      patchHandles: $('.patch-handles'),
      stageWrap: $('.stage-wrap'),
      view: $('.view'),
      beforeCopy: $('canvas.before-copy'),
      loupe: $('canvas.loupe'),
      compareButtons: Array.from(root.querySelectorAll('button[data-compare]')),
      hold: $('[data-action=hold]'),
      zoom: $('[data-action=zoom]'),
      fit: $('[data-action=fit]'),
      brand: $('.brand'),
      logo: $('.logo'),
      cta: $('.cta'),
      exportKinds: Array.from(root.querySelectorAll('[data-export-kind]')),
      format: $('#s-format'),
      shareImage: $('[data-action=share-image]'),
      shareField: $('.share-field'),
    };
    // Through the CSSOM, not a style attribute: a Content Security Policy allows this.
    this._el.stage.style.setProperty('--_drop-text', JSON.stringify(this._t.dropHere));
    this._ctx = {
      before: this._el.before.getContext('2d'),
      after: this._el.after.getContext('2d'),
      area: this._el.area.getContext('2d'),
    };
    this._wasm = null;
    this._preview = null;
    this._settings = null; // the one settings object (live, including a stroke in progress)
    this._history = []; // committed settings snapshots
    this._historyIndex = -1;
    this._tool = 'compare';
    this._split = 50;
    this._brushMm = BRUSH_MM.value;
    this._renderCount = 0;
    this._frame = 0;
    this._pendingChange = false;
    this._loadToken = 0;
    this._loading = null;
    this._startPromise = null;
    this._gesture = null; // { kind: 'divider' | 'paint' | 'eye', pointerId }
    this._pendingSettings = undefined;
    this._monthStops = [];
    this._scaleMode = false; // the eye-line marker is shown
    this._description = null; // preview.describe() of the current settings, cached
    this._describedSettings = null;
    this._describedPreview = null;
    this._hairlineStyle = 'natural'; // the style a new hairline gets
    this._newSizes = { stripWidth: 3, dotDiameter: 1.5 }; // mm, from the core's limits at start
    this._shapeMarkup = '';
    this._exportKind = 'after';
    this._compare = 'x'; // the compare view: 'x' (divider across), 'y' (up and down), 'side'
    this._zoom = { s: 1, tx: 0, ty: 0 }; // the picture's pinch zoom (CSS transform of .view)
    this._touches = new Map(); // touch pointers on the stage: id → [clientX, clientY]
    this._pinch = null;
    this._loupeOn = false;
    this._loupeAt = [0.5, 0.5]; // where the loupe looks, in fractions of the image
    this._analyticsTimer = 0;
    this._analyticsLast = null; // the last settings summary reported (JSON)
    this._logoPromise = null; // the logo decoded for exports: { url, image } (image null if unusable)
    this._presetTreatment = null; // a `treatment` attribute, applied once the first photo shows

    this._wireControls(root);
    this._wireStage();
    this._wireView();
    this._wireEyeMarker();
    this._wireHairline();
    this._wirePatchHandles();
    // The scale bar and the marks' handles are in displayed pixels: they follow the stage's size.
    this._resizeObserver =
      typeof ResizeObserver === 'function'
        ? new ResizeObserver(() => {
            this._updateScaleBar();
            this._drawMarks();
          })
        : null;
    if (this._resizeObserver) this._resizeObserver.observe(this._el.stage);
    this._onPaste = this._onPaste.bind(this);
    this._onHashChange = () => {
      if (this._wasm) this._applyFragment();
    };
    this._setSplit(50);
    this._syncBrushOutput();
    this._pendingSettings = pending;
  }

  // ---- lifecycle -------------------------------------------------------------------------

  connectedCallback() {
    // Properties set on the element before this class was defined would shadow the accessors.
    for (const name of ['settings', 'divider']) {
      if (Object.prototype.hasOwnProperty.call(this, name)) {
        const value = this[name];
        delete this[name];
        this[name] = value;
      }
    }
    if (!this._startPromise && stringsFor(this) !== this._t) this._build();
    document.addEventListener('paste', this._onPaste);
    window.addEventListener('hashchange', this._onHashChange);
    this._syncBrand();
    if (this.getAttribute('compare')) this._setCompare(this.getAttribute('compare'));
    this._ensureStarted().catch(() => {});
  }

  disconnectedCallback() {
    document.removeEventListener('paste', this._onPaste);
    window.removeEventListener('hashchange', this._onHashChange);
  }

  attributeChangedCallback(name, oldValue, value) {
    if (name === 'src' && value && value !== oldValue && this._startPromise) {
      this.load(value).catch(() => {});
    } else if (name === 'compare' && value) {
      this._setCompare(value);
    } else if (['logo', 'logo-alt', 'cta-label', 'cta-href'].includes(name)) {
      if (name === 'logo') this._logoPromise = null;
      this._syncBrand();
    }
  }

  /** The logo and the call to action from their attributes (an unsafe link is left out). */
  _syncBrand() {
    const { brand, logo, cta } = this._el;
    const logoUrl = this.getAttribute('logo');
    logo.hidden = !logoUrl;
    if (logoUrl) {
      if (logo.getAttribute('src') !== logoUrl) logo.src = logoUrl;
      logo.alt = this.getAttribute('logo-alt') || '';
    } else {
      logo.removeAttribute('src');
    }
    const label = (this.getAttribute('cta-label') || '').trim();
    const rawHref = this.getAttribute('cta-href');
    const href = safeLink(rawHref);
    if (rawHref && !href) console.warn(`<smp-preview>: cta-href must be an https link; "${rawHref}" is ignored.`);
    cta.hidden = !(label && href);
    if (label && href) {
      cta.textContent = label;
      cta.href = href;
    } else {
      cta.removeAttribute('href');
    }
    brand.hidden = logo.hidden && cta.hidden;
  }

  /** Loads the wasm module and shows the demo head (or the `src` photo); runs once. */
  _ensureStarted() {
    if (!this._startPromise) this._startPromise = this._start();
    return this._startPromise;
  }

  async _start() {
    this._busy(true);
    try {
      this._wasm = await loadWasm();
      this._limits = this._wasm.Preview.limits();
      this._applyLimits(this._limits);
      this._settings = this._attributeSettings(this._wasm.Preview.defaultSettings());
    } catch (error) {
      this._busy(false);
      this._failWith(error);
      throw error;
    }
    this._resetHistory();
    if (this._pendingSettings !== undefined) {
      // Settings given before start-up are the starting point, not an undo step.
      const pending = this._pendingSettings;
      this._pendingSettings = undefined;
      this.settings = pending;
      this._presetTreatment = null;
      this._resetHistory();
    }
    // A preset link (the settings in the URL fragment) wins over the attributes.
    if (this._applyFragment()) this._presetTreatment = null;
    this._resetHistory();
    const src = this.getAttribute('src');
    if (src && !this._loading) {
      this.load(src).catch(() => {});
    }
    if (!this._preview && !this._loading) {
      this._showSample();
    }
    if (!this._loading) this._busy(false);
  }

  /**
   * The core's default settings with the starting values given as attributes (invalid ones
   * are reported and ignored). A `treatment` attribute's preset needs a photo: it is applied
   * when the first one shows.
   */
  _attributeSettings(defaults) {
    let settings = defaults;
    for (const [attribute, [key, kind]] of Object.entries(SETTING_ATTRIBUTES)) {
      const raw = this.getAttribute(attribute);
      if (raw === null || raw.trim() === '') continue;
      const value = kind === 'number' ? Number(raw) : raw.trim();
      try {
        settings = this._wasm.Preview.normalizeSettings({ ...settings, [key]: value });
      } catch (error) {
        console.warn(`<smp-preview>: attribute ${attribute}="${raw}" is ignored: ${errorMessage(error, this._t)}`);
      }
    }
    const style = this.getAttribute('hairline-style');
    if (style && HAIRLINE_STYLES.includes(style)) this._hairlineStyle = style;
    else if (style) console.warn(`<smp-preview>: hairline-style="${style}" is not one of ${HAIRLINE_STYLES.join(', ')}.`);
    const treatment = this.getAttribute('treatment');
    if (treatment && Object.hasOwn(TREATMENT, treatment)) {
      settings = { ...settings, treatment, area: { ...settings.area, base: TREATMENT[treatment].base } };
      this._presetTreatment = treatment;
    } else if (treatment) {
      console.warn(`<smp-preview>: treatment="${treatment}" is not one of ${TREATMENTS.map((t) => t.value).join(', ')}.`);
    }
    return settings;
  }

  /** The fragment parameter that carries this element's preset: `share-key`, else "smp". */
  get _shareKey() {
    return this.getAttribute('share-key') || 'smp';
  }

  /**
   * Applies the settings in the page's URL fragment (`#smp=<base64url JSON>`), validated by the
   * core. Returns whether there were any; a damaged link shows a message and changes nothing.
   */
  _applyFragment() {
    const encoded = new URLSearchParams(location.hash.slice(1)).get(this._shareKey);
    if (!encoded) return false;
    let value;
    try {
      value = JSON.parse(fromBase64Url(encoded));
    } catch {
      this._fail(this._t.linkDamaged);
      this._keepMessage = true;
      return false;
    }
    try {
      value = this._wasm.Preview.normalizeSettings(value);
    } catch (error) {
      this._fail(this._t.linkInvalid(errorMessage(error, this._t)));
      this._keepMessage = true;
      return false;
    }
    if (this._historyKey(value) === this._historyKey(this._settings)) return true;
    this.settings = value;
    return true;
  }

  _showSample() {
    let preview;
    try {
      preview = this._wasm.Preview.sample(SAMPLE_SIZE[0], SAMPLE_SIZE[1]);
    } catch (error) {
      this._fail(this._t.demoFailed(error && error.message ? error.message : error));
      return;
    }
    this._show(preview, 'sample', false);
  }

  // ---- public API ----------------------------------------------------------------------

  /** Settings as a deep copy (JSON-compatible). */
  get settings() {
    if (this._settings) return clone(this._settings);
    return this._pendingSettings !== undefined ? clone(this._pendingSettings) : null;
  }

  /** Replaces the settings (validated), re-renders, fires smp-change; undoable. */
  set settings(value) {
    let copy;
    try {
      copy = clone(value ?? null);
    } catch {
      // A cycle, a BigInt or a getter that throws: reported like any invalid settings.
      this._fail(this._t.settingsNotJson);
      return;
    }
    if (!this._wasm) {
      this._pendingSettings = copy;
      return;
    }
    let normalized;
    try {
      normalized = this._wasm.Preview.normalizeSettings(copy);
    } catch (error) {
      this._failWith(error);
      return;
    }
    this._settings = normalized;
    this._commit();
    this._syncControls();
    this._changed();
  }

  /** Number of after-image renders so far (diagnostics). */
  get renderCount() {
    return this._renderCount;
  }

  /** Working size of the photo shown (0 before the first one). */
  get width() {
    return this._preview ? this._preview.width : 0;
  }

  get height() {
    return this._preview ? this._preview.height : 0;
  }

  /** Physical scale in use, in pixels per millimetre (from the marked pupils or the head width). */
  get pxPerMm() {
    const description = this._describe();
    return description ? description.pxPerMm : 0;
  }

  /**
   * What the settings amount to on this photo (a copy): `{ pxPerMm, scaleFrom, eyesGuess,
   * suggestedPigment, pigment, advice }`, or null before the first photo.
   */
  get description() {
    const description = this._describe();
    return description ? clone(description) : null;
  }

  /** Divider position in percent of the width shown as "before" (0–100). */
  get divider() {
    return this._split;
  }

  set divider(value) {
    this._setSplit(Number(value));
  }

  get canUndo() {
    return this._historyIndex > 0;
  }

  get canRedo() {
    return this._historyIndex < this._history.length - 1;
  }

  undo() {
    if (!this.canUndo) return false;
    this._historyIndex -= 1;
    this._settings = clone(this._history[this._historyIndex]);
    this._syncControls();
    this._changed();
    this._updateHistoryButtons();
    this._announce(this._t.undone);
    return true;
  }

  redo() {
    if (!this.canRedo) return false;
    this._historyIndex += 1;
    this._settings = clone(this._history[this._historyIndex]);
    this._syncControls();
    this._changed();
    this._updateHistoryButtons();
    this._announce(this._t.redone);
    return true;
  }

  /**
   * Loads a photo from a File, a Blob or a URL string. Resolves with { width, height, source }
   * once it is shown; rejects (after showing a message and firing smp-error) when it cannot be
   * used, leaving the previous photo and settings in place.
   */
  async load(source) {
    const token = ++this._loadToken;
    const kind = typeof source === 'string' || source instanceof URL ? 'url' : source instanceof File ? 'file' : 'blob';
    const task = (async () => {
      this._busy(true);
      try {
        let blob = source;
        if (kind === 'url') {
          let response;
          try {
            response = await fetch(String(source));
          } catch {
            throw new Error(this._t.downloadFailed);
          }
          if (!response.ok) {
            throw new Error(this._t.downloadFailedStatus(response.status));
          }
          blob = await response.blob();
        } else if (!(source instanceof Blob)) {
          throw new Error('load() expects a File, a Blob or a URL string.');
        }
        await this._ensureStarted();
        if (!this._wasm) await this._revive();
        const wasm = this._wasm;
        const { width, height, pixels } = await this._decode(blob);
        if (token !== this._loadToken) return null; // a newer load won
        let preview = this._preview;
        try {
          // The preview shown takes the new photo in place, letting go of the old one's memory
          // first (a photo it refuses leaves it as it was).
          if (preview) {
            preview.load(width, height, pixels);
            this._describedPreview = null; // its description was of the old photo
          } else preview = new wasm.Preview(width, height, pixels);
        } catch (error) {
          if (this._wasmDead(error)) throw error;
          throw new Error(this._t.notAnalysed(errorMessage(error, this._t)));
        }
        this._show(preview, kind, true);
        return { width, height, source: kind };
      } catch (error) {
        if (token === this._loadToken) {
          this._failWith(error);
          // Nothing shown yet (a bad `src`, say): fall back to the demo head.
          if (!this._preview && !this._shownOnce && this._wasm && this._settings) this._showSample();
        }
        throw error;
      } finally {
        if (token === this._loadToken) {
          this._busy(false);
          this._loading = null;
        }
      }
    })();
    this._loading = task;
    return task;
  }

  /** The after image at full working resolution. */
  toBlob(type = 'image/png', quality) {
    this._flushRender();
    return new Promise((resolve, reject) => {
      if (!this._preview) {
        reject(new Error(this._t.noImage));
        return;
      }
      this._el.after.toBlob((blob) => (blob ? resolve(blob) : reject(new Error(this._t.exportFailed))), type, quality);
    });
  }

  /**
   * A link to this page (or the `share-url` attribute's) that opens with these settings; the
   * photo is never part of it. The settings travel as base64url JSON in the fragment, which
   * browsers do not send to servers.
   */
  get shareUrl() {
    const settings = this.settings;
    if (!settings) return null;
    const url = new URL(this.getAttribute('share-url') || location.href, location.href);
    const params = new URLSearchParams(url.hash.slice(1));
    params.set(this._shareKey, toBase64Url(JSON.stringify(settings)));
    url.hash = params.toString();
    return url.href;
  }

  /**
   * An image to keep, at full working resolution: `kind` 'after' (w × h), 'side-by-side'
   * (2w × h, before on the left) or 'split' (w × h, cut at the divider); `type` 'image/png' or
   * 'image/jpeg'. The `logo` attribute's image and the disclaimer are stamped on unless
   * `logo` / `disclaimer` is false.
   */
  async exportImage({ kind = 'after', type = 'image/png', quality = 0.92, logo = true, disclaimer = true } = {}) {
    if (!EXPORT_KINDS.includes(kind)) throw new Error(`Unknown export kind "${kind}": use ${EXPORT_KINDS.join(', ')}.`);
    if (!Object.hasOwn(EXPORT_TYPES, type)) throw new Error(`Unknown export type "${type}": use image/png or image/jpeg.`);
    this._flushRender();
    if (!this._preview) throw new Error(this._t.noImage);
    const { width: w, height: h } = this._preview;
    const { before, after } = this._el;
    const canvas = document.createElement('canvas');
    canvas.width = kind === 'side-by-side' ? 2 * w : w;
    canvas.height = h;
    const ctx = canvas.getContext('2d');
    const unit = Math.max(12, Math.round(Math.min(canvas.width, h) * 0.03));
    if (kind === 'after') {
      ctx.drawImage(after, 0, 0);
    } else if (kind === 'side-by-side') {
      ctx.drawImage(before, 0, 0);
      ctx.drawImage(after, w, 0);
      this._stampLabel(ctx, this._t.before, unit, unit, unit);
      this._stampLabel(ctx, this._t.after, w + unit, unit, unit);
    } else {
      // Cut where the divider is: across (before on the left) or, in the up-and-down view, before above.
      ctx.drawImage(after, 0, 0);
      ctx.fillStyle = '#ffffff';
      const line = Math.max(2, Math.round(unit / 4));
      if (this._compare === 'y') {
        const y = Math.round((h * this._split) / 100);
        if (y > 0) ctx.drawImage(before, 0, 0, w, y, 0, 0, w, y);
        ctx.fillRect(0, y - line / 2, w, line);
        this._stampLabel(ctx, this._t.before, unit, unit, unit);
        this._stampLabel(ctx, this._t.after, unit, Math.min(y + unit, h - unit * 5), unit);
      } else {
        const x = Math.round((w * this._split) / 100);
        if (x > 0) ctx.drawImage(before, 0, 0, x, h, 0, 0, x, h);
        ctx.fillRect(x - line / 2, 0, line, h);
        this._stampLabel(ctx, this._t.before, unit, unit, unit);
        this._stampLabel(ctx, this._t.after, w - unit, unit, unit, 'right');
      }
    }
    if (logo) {
      const image = await this._logoImage();
      if (image) {
        const lh = Math.round(unit * 2.4);
        const lw = Math.min(Math.round((lh * image.width) / image.height), Math.round(canvas.width * 0.3));
        const pad = Math.round(unit / 3);
        const x = canvas.width - unit - lw;
        const y = kind === 'after' ? unit : h - unit * 3.2 - lh;
        ctx.fillStyle = 'rgba(255, 255, 255, 0.92)';
        ctx.beginPath();
        ctx.roundRect(x - pad, y - pad, lw + 2 * pad, lh + 2 * pad, pad);
        ctx.fill();
        ctx.drawImage(image.source, x, y, lw, lh);
      }
    }
    const text = disclaimer ? this._disclaimer : '';
    if (text) {
      let size = unit;
      ctx.font = `600 ${size}px system-ui, sans-serif`;
      const room = canvas.width - 2 * unit;
      while (size > 10 && ctx.measureText(text).width > room) {
        size -= 1;
        ctx.font = `600 ${size}px system-ui, sans-serif`;
      }
      const band = Math.round(size * 2);
      ctx.fillStyle = 'rgba(17, 24, 39, 0.72)';
      ctx.fillRect(0, h - band, canvas.width, band);
      ctx.fillStyle = '#ffffff';
      ctx.textAlign = 'center';
      ctx.textBaseline = 'middle';
      ctx.fillText(text, canvas.width / 2, h - band / 2, room);
    }
    return new Promise((resolve, reject) => {
      canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error(this._t.exportFailed))), type, quality);
    });
  }

  /** The disclaimer stamped on exports: the attribute's text ("" for none), else the default. */
  get _disclaimer() {
    const text = this.getAttribute('disclaimer');
    return text === null ? this._t.disclaimer : text.trim();
  }

  _stampLabel(ctx, text, x, y, unit, align = 'left') {
    ctx.font = `700 ${unit}px system-ui, sans-serif`;
    const pad = Math.round(unit / 2);
    const width = ctx.measureText(text).width + 2 * pad;
    const left = align === 'right' ? x - width : x;
    ctx.fillStyle = 'rgba(17, 24, 39, 0.62)';
    ctx.beginPath();
    ctx.roundRect(left, y, width, unit * 1.8, unit * 0.9);
    ctx.fill();
    ctx.fillStyle = '#ffffff';
    ctx.textAlign = 'left';
    ctx.textBaseline = 'middle';
    ctx.fillText(text, left + pad, y + unit * 0.9);
  }

  /**
   * The logo decoded for drawing on exports, or null. A logo on another origin needs CORS
   * (otherwise it would taint the canvas): without it, exports leave the logo out.
   */
  _logoImage() {
    const url = this.getAttribute('logo');
    if (!url) return Promise.resolve(null);
    if (!this._logoPromise || this._logoPromise.url !== url) {
      const image = new Image();
      image.crossOrigin = 'anonymous';
      image.src = new URL(url, document.baseURI).href;
      const promise = image
        .decode()
        .then(() => {
          // An SVG without its own size still draws: assume a wide logo.
          const width = image.naturalWidth || 300;
          const height = image.naturalHeight || 100;
          return { source: image, width, height };
        })
        .catch(() => {
          console.warn(`<smp-preview>: the logo ${url} could not be loaded for exports (on another site it needs CORS).`);
          return null;
        });
      this._logoPromise = { url, promise };
    }
    return this._logoPromise.promise;
  }

  /** The export chosen in the panel, as a file named for what it shows. */
  async _exportFile() {
    const type = this._el.format.value;
    const blob = await this.exportImage({ kind: this._exportKind, type, quality: 0.92 });
    const name = `smp-preview-${this._exportKind}.${EXPORT_TYPES[type]}`;
    return { blob, name, type };
  }

  _exportedDetail(via, type) {
    const w = this.width;
    return {
      action: 'exported',
      kind: this._exportKind,
      format: EXPORT_TYPES[type] === 'jpg' ? 'jpeg' : 'png',
      width: this._exportKind === 'side-by-side' ? 2 * w : w,
      height: this.height,
      via,
    };
  }

  async _download() {
    try {
      const { blob, name, type } = await this._exportFile();
      const url = URL.createObjectURL(blob);
      const a = document.createElement('a');
      a.href = url;
      a.download = name;
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 10000);
      this._announce(this._t.imageSaved);
      this._emit('smp-analytics', this._exportedDetail('download', type));
    } catch (error) {
      this._failWith(error);
    }
  }

  /** The system share sheet with the image, where the browser can share files. */
  async _shareImage() {
    try {
      const { blob, name, type } = await this._exportFile();
      const file = new File([blob], name, { type });
      await navigator.share({ files: [file], title: 'SMP Preview' });
      this._emit('smp-analytics', this._exportedDetail('share', type));
    } catch (error) {
      if (error && error.name === 'AbortError') return; // the visitor closed the sheet
      this._failWith(error);
    }
  }

  /** Shares (or copies) the preset link; the link also shows in a field to copy by hand. */
  async _shareLink() {
    const url = this.shareUrl;
    if (!url) return;
    const field = this._el.shareField;
    field.value = url;
    field.hidden = false;
    let via = 'shown';
    try {
      if (typeof navigator.share === 'function' && matchMedia('(pointer: coarse)').matches) {
        await navigator.share({ url, title: 'SMP Preview settings' });
        via = 'share';
      } else if (navigator.clipboard && navigator.clipboard.writeText) {
        await navigator.clipboard.writeText(url);
        via = 'copy';
        this._announce(this._t.linkCopied);
      }
    } catch (error) {
      if (error && error.name === 'AbortError') return;
      // No clipboard access (an iframe, say): the field holds the link to copy.
    }
    if (via === 'shown') {
      field.focus();
      field.select();
      this._announce(this._t.linkShown);
    }
    this._emit('smp-analytics', { action: 'link-shared', via });
  }

  /** Settings changed: after a quiet moment, analytics hears what was chosen (no positions). */
  _scheduleAnalytics() {
    clearTimeout(this._analyticsTimer);
    this._analyticsTimer = setTimeout(() => {
      const summary = this._analyticsSummary();
      if (!summary) return;
      const key = JSON.stringify(summary);
      if (this._analyticsLast === null) {
        this._analyticsLast = key; // the starting settings are no change
        return;
      }
      if (key === this._analyticsLast) return;
      this._analyticsLast = key;
      this._emit('smp-analytics', { action: 'settings-changed', ...summary });
    }, ANALYTICS_DEBOUNCE_MS);
  }

  _analyticsSummary() {
    const settings = this._settings;
    if (!settings) return null;
    const summary = {};
    for (const key of ANALYTICS_FIELDS) summary[key] = settings[key];
    summary.hairlineStyle = settings.area.hairline ? settings.area.hairline.style : null;
    summary.shapes = settings.area.shapes.length;
    summary.strokes = settings.area.strokes.length;
    return summary;
  }

  // ---- photo handling ------------------------------------------------------------------

  get _maxSize() {
    const n = parseInt(this.getAttribute('max-size'), 10);
    const limit = this._limits ? this._limits.maxSide : DEFAULT_MAX_SIZE;
    return Math.min(Number.isFinite(n) && n >= 16 ? n : DEFAULT_MAX_SIZE, limit);
  }

  /**
   * The photo as RGBA pixels at most `_maxSize` on a side. The declared size is read from the
   * file's header first: absurd sizes (a decompression bomb) are refused unread, and large
   * photos are decoded straight to the working size, so memory stays bounded.
   */
  async _decode(blob) {
    if (!blob.size) throw new Error(this._t.emptyFile);
    const info = sniffImage(new Uint8Array(await blob.slice(0, SNIFF_BYTES).arrayBuffer()));
    if (info.kind === 'svg' || blob.type === 'image/svg+xml') throw new Error(this._t.svgFile);
    const options = { imageOrientation: 'from-image' };
    if (info.width && info.height) {
      if (info.width * info.height > MAX_DECODE_PIXELS) throw new Error(this._t.hugeImage(info.width, info.height));
      // One side only: the browser keeps the aspect ratio, whichever way EXIF turns the photo.
      const scale = this._maxSize / Math.max(info.width, info.height);
      if (scale < 1) {
        options.resizeQuality = 'high';
        if (info.width >= info.height) options.resizeWidth = Math.max(1, Math.round(info.width * scale));
        else options.resizeHeight = Math.max(1, Math.round(info.height * scale));
      }
    }
    let bitmap;
    try {
      bitmap = await createImageBitmap(blob, options);
    } catch {
      throw new Error(info.kind === 'heic' ? this._t.heicFile : this._t.decodeFailed);
    }
    try {
      if (!bitmap.width || !bitmap.height) throw new Error(this._t.decodeFailed);
      const scale = Math.min(1, this._maxSize / Math.max(bitmap.width, bitmap.height));
      const width = Math.max(1, Math.round(bitmap.width * scale));
      const height = Math.max(1, Math.round(bitmap.height * scale));
      const canvas = document.createElement('canvas');
      canvas.width = width;
      canvas.height = height;
      const ctx = canvas.getContext('2d', { willReadFrequently: true });
      ctx.imageSmoothingEnabled = true;
      ctx.imageSmoothingQuality = 'high';
      ctx.drawImage(bitmap, 0, 0, width, height);
      const data = ctx.getImageData(0, 0, width, height).data;
      return { width, height, pixels: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
    } finally {
      bitmap.close();
    }
  }

  /** Shows a new Preview: sizes the canvases, draws before/after, resets the area for a new photo. */
  _show(preview, source, newPhoto) {
    const old = this._preview;
    const { width, height } = preview;
    let settings = this._settings;
    const hairlineBefore = settings.area.hairline;
    if (newPhoto) {
      // Strokes, shapes, the hairline and pupils belong to the previous head; the treatment
      // and the style settings carry over.
      settings = clone(settings);
      settings.area = { base: TREATMENT[settings.treatment].base, hairline: null, shapes: [], strokes: [] };
      settings.scale = { ...settings.scale, eyes: null };
    }
    for (const canvas of [this._el.before, this._el.after, this._el.area]) {
      canvas.width = width;
      canvas.height = height;
    }
    // Resizing cleared the after canvas: the next frame is drawn whole.
    this._afterCleared = true;
    this._el.stageWrap.style.setProperty('--aspect', `${width} / ${height}`);
    this._el.beforeCopy.width = width;
    this._el.beforeCopy.height = height;
    try {
      preview.drawPhoto(this._ctx.before);
    } catch (error) {
      this._failWith(error);
    }
    this._el.beforeCopy.getContext('2d').drawImage(this._el.before, 0, 0);
    this._preview = preview;
    this._shownOnce = true;
    this._setZoom(1, 0, 0);
    if (old && old !== preview) {
      try {
        old.free();
      } catch {
        /* already freed */
      }
    }
    if (newPhoto) {
      // A hairline of the same style, placed on the new face; the crown area guessed again.
      if (hairlineBefore) this._placeHairline(settings, hairlineBefore.style);
      if (settings.treatment === 'crown') this._placeCrown(settings);
    }
    let preset = false;
    if (this._presetTreatment) {
      settings = this._withTreatment(settings, this._presetTreatment);
      this._presetTreatment = null;
      preset = true;
    }
    this._settings = settings;
    if (newPhoto || preset) this._resetHistory();
    if (this._analyticsLast === null) this._analyticsLast = JSON.stringify(this._analyticsSummary());
    // A message from start-up (a damaged preset link) stays until the visitor acts.
    if (this._keepMessage) this._keepMessage = false;
    else this._clearMessage();
    this._renderNow();
    this._syncControls();
    this._announce(source === 'sample' ? this._t.demoShown : this._t.photoLoaded);
    this._emit('smp-ready', { width, height, source });
    this._emit('smp-analytics', { action: 'photo-loaded', width, height, source });
  }

  // ---- rendering -----------------------------------------------------------------------

  _areaVisible() {
    return this._tool !== 'compare' || this._el.showArea.checked;
  }

  _scheduleRender() {
    if (this._frame) return;
    this._frame = requestAnimationFrame(() => {
      this._frame = 0;
      this._renderNow();
    });
  }

  _flushRender() {
    if (this._frame) {
      cancelAnimationFrame(this._frame);
      this._frame = 0;
      this._renderNow();
    }
  }

  _renderNow() {
    if (!this._preview || !this._settings) return;
    try {
      // `update` rewrites only what changed since the frame the canvas holds.
      if (this._afterCleared) this._preview.render(this._ctx.after, this._settings);
      else this._preview.update(this._ctx.after, this._settings);
      this._afterCleared = false;
      this._renderCount += 1;
      this._goodSettings = this._settings;
      if (this._areaVisible()) this._drawArea();
    } catch (error) {
      this._failWith(error);
    }
    this._syncDescription();
    this._syncTreatmentControls();
    this._drawMarks();
    if (this._pendingChange) {
      this._pendingChange = false;
      this._emit('smp-change', { settings: clone(this._settings) });
    }
  }

  _drawArea() {
    if (!this._preview || !this._settings) return;
    try {
      this._preview.drawArea(this._ctx.area, this._settings);
    } catch (error) {
      this._failWith(error);
    }
  }

  _updateAreaVisibility() {
    const visible = this._areaVisible();
    this._el.stage.classList.toggle('show-area', visible);
    if (visible) this._drawArea();
    this._drawMarks();
  }

  /** Settings changed: render on the next frame and tell listeners. */
  _changed() {
    this._pendingChange = true;
    this._scheduleRender();
    this._scheduleAnalytics();
  }

  // ---- history -------------------------------------------------------------------------

  _resetHistory() {
    this._history = [clone(this._settings)];
    this._historyIndex = 0;
    this._updateHistoryButtons();
  }

  /**
   * The settings as the core reads them (its numbers are 32-bit floats), as JSON: two settings
   * that render the same have the same key, so a copy set back from JSON is no undo step.
   */
  _historyKey(settings) {
    try {
      return JSON.stringify(this._wasm.Preview.normalizeSettings(settings));
    } catch {
      return JSON.stringify(settings);
    }
  }

  /** Records the current settings as one undo step (if they differ from the last one). */
  _commit() {
    const current = JSON.stringify(this._settings);
    const last = this._history[this._historyIndex];
    if (JSON.stringify(last) === current || (this._wasm && this._historyKey(last) === this._historyKey(this._settings))) return;
    this._history.length = this._historyIndex + 1;
    this._history.push(JSON.parse(current));
    if (this._history.length > HISTORY_LIMIT) this._history.shift();
    this._historyIndex = this._history.length - 1;
    this._updateHistoryButtons();
  }

  _updateHistoryButtons() {
    this._el.undo.disabled = !this.canUndo;
    this._el.redo.disabled = !this.canRedo;
  }

  _setArea(area, message) {
    if (!this._settings) return;
    this._settings = { ...this._settings, area };
    this._commit();
    this._syncControls();
    this._changed();
    this._announce(message);
  }

  // ---- controls ------------------------------------------------------------------------

  _wireControls(root) {
    const el = this._el;
    el.file.addEventListener('change', () => {
      const file = el.file.files && el.file.files[0];
      if (file) this.load(file).catch(() => {});
      el.file.value = '';
    });
    for (const button of root.querySelectorAll('[data-tool]')) {
      if (button.tagName !== 'BUTTON') continue;
      button.addEventListener('click', () => this._setTool(button.dataset.tool));
    }
    el.undo.addEventListener('click', () => this.undo());
    el.redo.addEventListener('click', () => this.redo());
    // Reset: the treatment's starting area without the painting; Clear: nothing at all.
    root.querySelector('[data-action=reset-area]').addEventListener('click', () => {
      if (!this._settings) return;
      this._setArea({ ...this._settings.area, base: TREATMENT[this._settings.treatment].base, strokes: [] }, this._t.areaReset);
    });
    root.querySelector('[data-action=clear-area]').addEventListener('click', () => this._setArea({ base: 'empty', hairline: null, shapes: [], strokes: [] }, this._t.areaCleared));
    for (const radio of el.treatmentRadios) {
      radio.addEventListener('change', () => {
        if (radio.checked) this._pickTreatment(radio.value);
      });
    }
    for (const input of el.newSizeInputs) {
      input.addEventListener('change', () => {
        if (!this._limits) return;
        const key = input.dataset.newSize;
        const typed = parseFloat(input.value);
        if (Number.isFinite(typed)) this._newSizes[key] = this._clampSize(key, typed);
        input.value = String(this._newSizes[key]);
      });
    }
    root.querySelector('[data-action=save]').addEventListener('click', () => this._download());
    root.querySelector('[data-action=download]').addEventListener('click', () => this._download());
    el.shareImage.addEventListener('click', () => this._shareImage());
    root.querySelector('[data-action=share-link]').addEventListener('click', () => this._shareLink());
    for (const button of el.exportKinds) {
      button.addEventListener('click', () => {
        this._exportKind = button.dataset.exportKind;
        for (const b of el.exportKinds) b.setAttribute('aria-pressed', String(b === button));
      });
    }
    el.shareImage.hidden = !this._canShareFiles();
    el.cta.addEventListener('click', () => this._emit('smp-analytics', { action: 'cta-clicked', href: el.cta.href }));
    root.querySelector('.message button').addEventListener('click', () => this._clearMessage());
    el.showArea.addEventListener('change', () => this._updateAreaVisibility());
    el.brush.addEventListener('input', () => {
      this._brushMm = Number(el.brush.value);
      this._syncBrushOutput();
    });

    el.sessions.addEventListener('click', (event) => {
      const button = event.target.closest('button[data-session]');
      if (button) this._update({ session: Number(button.dataset.session) });
    });
    el.months.addEventListener('input', () => {
      const months = this._monthStops[Number(el.months.value)];
      if (months !== undefined) this._update({ monthsSinceSession: months }, false);
    });
    el.months.addEventListener('change', () => this._commit());
    el.pigment.addEventListener('change', () => this._update({ pigment: el.pigment.value }));
    el.grouping.addEventListener('change', () => this._update({ grouping: el.grouping.checked }));
    el.setScale.addEventListener('click', () => this._setScaleMode(!this._scaleMode));
    el.scaleSection.addEventListener('toggle', () => {
      if (el.scaleSection.open) {
        this._revealInPanel(el.scaleSection);
      } else if (this._scaleMode) {
        // Its button is folded away: the marker goes with it (marked pupils stay in the settings).
        this._setScaleMode(false);
      }
    });
    el.useHeadWidth.addEventListener('click', () => {
      this._updateScale({ eyes: null });
      this._announce(this._t.scaleFromHeadWidth);
    });
    for (const input of el.scaleInputs) {
      input.addEventListener('change', () => {
        if (!this._settings || !this._limits) return;
        const key = input.dataset.scaleKey;
        const range = this._limits[key];
        const typed = parseFloat(input.value);
        const value = Number.isFinite(typed) ? clamp(typed, range.min, range.max) : this._settings.scale[key];
        input.value = String(value);
        this._updateScale({ [key]: value });
      });
    }

    for (const input of root.querySelectorAll('.sliders input[type=range]')) {
      const key = input.dataset.key;
      input.addEventListener('input', () => {
        if (!this._settings) return;
        this._settings = { ...this._settings, [key]: Number(input.value) };
        this._syncSliders();
        this._changed();
      });
      input.addEventListener('change', () => {
        if (!this._settings) return;
        this._commit();
      });
    }

    // Undo / redo shortcuts while focus is inside the element.
    root.addEventListener('keydown', (event) => {
      const mod = event.ctrlKey || event.metaKey;
      if (!mod || event.altKey) return;
      const key = event.key.toLowerCase();
      if (key === 'z' && !event.shiftKey) {
        event.preventDefault();
        this.undo();
      } else if ((key === 'z' && event.shiftKey) || (key === 'y' && event.ctrlKey && !event.metaKey)) {
        event.preventDefault();
        this.redo();
      }
    });
  }

  /** Replaces some top-level settings fields: one undo step unless `commit` is false. */
  _update(patch, commit = true) {
    if (!this._settings) return;
    this._settings = { ...this._settings, ...patch };
    if (commit) this._commit();
    this._syncControls();
    this._changed();
  }

  _updateScale(patch) {
    if (!this._settings) return;
    this._update({ scale: { ...this._settings.scale, ...patch } });
  }

  /** Ranges and choices come from the core (`Preview.limits()`), never from this file. */
  _applyLimits(limits) {
    const root = this.shadowRoot;
    for (const s of STYLE_SLIDERS) {
      const input = root.getElementById(`s-${s.key}`);
      input.min = String(limits[s.key].min);
      input.max = String(limits[s.key].max);
    }
    const sessions = [];
    for (let n = limits.session.min; n <= limits.session.max; n++) {
      sessions.push(`<button type="button" data-session="${n}" aria-pressed="false" aria-label="Session ${n}">${n}</button>`);
    }
    this._el.sessions.innerHTML = sessions.join('');
    this._monthStops = monthStops(limits.monthsSinceSession);
    this._el.months.max = String(this._monthStops.length - 1);
    for (const input of this._el.scaleInputs) {
      const range = limits[input.dataset.scaleKey];
      input.min = String(range.min);
      input.max = String(range.max);
    }
    for (const input of this._el.newSizeInputs) {
      const range = limits[input.dataset.newSize];
      input.min = String(range.min);
      input.max = String(range.max);
      this._newSizes[input.dataset.newSize] = range.default;
      input.value = String(range.default);
    }
  }

  /** Every control shows the current settings (after undo, redo or the settings property). */
  _syncControls() {
    if (!this._settings) return;
    this._syncSliders();
    const settings = this._settings;
    const el = this._el;
    for (const button of el.sessions.querySelectorAll('button')) {
      button.setAttribute('aria-pressed', String(Number(button.dataset.session) === settings.session));
    }
    const months = settings.monthsSinceSession;
    const stops = this._monthStops;
    let nearest = 0;
    stops.forEach((m, i) => {
      if (Math.abs(m - months) < Math.abs(stops[nearest] - months)) nearest = i;
    });
    if (stops.length && Number(el.months.value) !== nearest) el.months.value = String(nearest);
    const [shown, spoken] = this._t.months(months, (v) => formatNumber(this._t, v));
    el.monthsOut.textContent = shown;
    el.months.setAttribute('aria-valuetext', spoken);
    el.pigment.value = settings.pigment;
    el.grouping.checked = settings.grouping;
    for (const input of el.scaleInputs) {
      const value = settings.scale[input.dataset.scaleKey];
      if (input.value === '' || Number(input.value) !== value) input.value = String(value);
    }
    el.useHeadWidth.disabled = !settings.scale.eyes;
    this._positionEyeMarker();
    this._syncTreatmentControls();
    this._drawMarks();
  }

  /** `preview.describe()` of the current settings, computed once per settings value. */
  _describe() {
    if (!this._preview || !this._settings) return null;
    if (this._describedSettings !== this._settings || this._describedPreview !== this._preview) {
      this._describedSettings = this._settings;
      this._describedPreview = this._preview;
      try {
        this._description = this._preview.describe(this._settings);
      } catch (error) {
        this._description = null;
        this._failWith(error);
      }
    }
    return this._description;
  }

  /** What depends on the description: the suggested pigment, the advice, the scale readouts. */
  _syncDescription() {
    const description = this._describe();
    if (!description) return;
    const el = this._el;
    const auto = el.pigment.querySelector('option[value="auto"]');
    const autoText = this._t.autoSuggested(this._t.pigments[description.suggestedPigment] || description.suggestedPigment);
    if (auto.textContent !== autoText) auto.textContent = autoText;
    const advice = description.advice || '';
    // Only a new note is announced (the region is aria-live).
    if (el.advice.textContent !== advice) el.advice.textContent = advice;
    el.scaleFrom.textContent = description.scaleFrom === 'eyes' ? this._t.fromPupils : this._t.fromHeadWidth;
    el.scaleValue.textContent = `${formatNumber(this._t, description.pxPerMm, 1)} px/mm`;
    el.scaleSummaryValue.hidden = false;
    this._updateScaleBar();
    this._positionEyeMarker();
  }

  /** The scale bar: 1 cm (shorter on close-ups) at the scale in use, in displayed pixels. */
  _updateScaleBar() {
    const bar = this._el.scaleBar;
    const description = this._describe();
    const shownWidth = description ? parseFloat(getComputedStyle(this._el.stage).width) : 0;
    if (!description || !(shownWidth > 0)) {
      bar.hidden = true;
      return;
    }
    const perMm = (description.pxPerMm * shownWidth * this._zoom.s) / this._preview.width; // CSS px per mm
    const mm = SCALE_BAR_MM.find((m) => m * perMm <= shownWidth / 4) ?? SCALE_BAR_MM[SCALE_BAR_MM.length - 1];
    this._el.scaleBarLine.style.width = `${mm * perMm}px`;
    this._el.scaleBarText.textContent = mm % 10 === 0 ? `${formatNumber(this._t, mm / 10)} cm` : `${formatNumber(this._t, mm)} mm`;
    bar.dataset.mm = String(mm);
    bar.hidden = false;
  }

  // ---- physical scale: the eye-line marker ------------------------------------------------

  _setScaleMode(on) {
    this._scaleMode = on;
    this._el.setScale.setAttribute('aria-pressed', String(on));
    this._el.stage.classList.toggle('scale-mode', on);
    this._positionEyeMarker();
    if (on) this._announce(this._t.dragPupils);
  }

  /**
   * The pupils the marker shows: the settings' ones, else the ones found on the photo, else a
   * level line at 40 % of the height, one pupil distance apart at the scale in use.
   */
  _markerEyes() {
    const settings = this._settings;
    if (!settings || !this._preview) return null;
    if (settings.scale.eyes) return settings.scale.eyes;
    const description = this._describe();
    if (!description) return null;
    if (description.eyesGuess) return description.eyesGuess;
    const half = Math.min(0.45, (settings.scale.pupilDistance * description.pxPerMm) / this._preview.width / 2);
    return [
      [0.5 - half, EYE_LINE_HEIGHT],
      [0.5 + half, EYE_LINE_HEIGHT],
    ];
  }

  _positionEyeMarker() {
    const marker = this._el.eyeMarker;
    const eyes = this._scaleMode ? this._markerEyes() : null;
    marker.hidden = !eyes;
    if (!eyes) return;
    const percent = (v) => `${v * 100}%`;
    eyes.forEach(([x, y], i) => {
      const handle = this._el.eyeHandles[i];
      handle.style.left = percent(x);
      handle.style.top = percent(y);
      handle.setAttribute('aria-valuenow', String(Math.round(x * 100)));
      handle.setAttribute('aria-valuetext', this._t.handleText(Math.round(x * 100), Math.round(y * 100)));
    });
    for (const line of this._el.eyeLines) {
      line.setAttribute('x1', percent(eyes[0][0]));
      line.setAttribute('y1', percent(eyes[0][1]));
      line.setAttribute('x2', percent(eyes[1][0]));
      line.setAttribute('y2', percent(eyes[1][1]));
    }
    const label = this._el.eyeDistance;
    label.style.left = percent((eyes[0][0] + eyes[1][0]) / 2);
    label.style.top = percent(Math.min(eyes[0][1], eyes[1][1]));
    label.textContent = `${formatNumber(this._t, this._settings.scale.pupilDistance)} mm`;
  }

  /** Moves one pupil to (x, y) in fractions of the image; false when nothing changed. */
  _moveEye(index, x, y) {
    const eyes = this._markerEyes();
    if (!eyes) return false;
    const next = eyes.map(([ex, ey]) => [ex, ey]);
    next[index] = [clamp(x, 0, 1), clamp(y, 0, 1)];
    // The circles may not overlap (one could no longer be grabbed): a pupil moved too close to
    // the other stops one circle away from it, in the direction it came from.
    const b = next[1 - index];
    const rect = this._viewRect();
    const closest = this._el.eyeHandles[index].offsetWidth || 1;
    const offset = (p) => [(p[0] - b[0]) * rect.width, (p[1] - b[1]) * rect.height];
    let [dx, dy] = offset(next[index]);
    const apart = Math.hypot(dx, dy);
    if (apart < closest && apart < Math.hypot(...offset(eyes[index]))) {
      if (apart < 1e-6) [dx, dy] = offset(eyes[index]);
      const k = closest / (Math.hypot(dx, dy) || 1);
      next[index] = [clamp(b[0] + (dx * k) / rect.width, 0, 1), clamp(b[1] + (dy * k) / rect.height, 0, 1)];
    }
    const a = next[index];
    if ((a[0] === eyes[index][0] && a[1] === eyes[index][1]) || (a[0] === b[0] && a[1] === b[1])) return false;
    this._settings = { ...this._settings, scale: { ...this._settings.scale, eyes: next } };
    this._el.useHeadWidth.disabled = false;
    this._positionEyeMarker();
    this._changed();
    return true;
  }

  _wireEyeMarker() {
    this._el.eyeHandles.forEach((handle, index) => {
      handle.addEventListener('pointerdown', (event) => {
        if (event.button !== 0) return;
        // The stage below must not start a divider drag or a stroke.
        event.preventDefault();
        event.stopPropagation();
        const eyes = this._markerEyes();
        if (!eyes) return;
        handle.focus({ preventScroll: true });
        const [fx, fy] = this._fraction(event);
        // Keep the grab offset, so the pupil does not jump to the pointer.
        this._gesture = { kind: 'eye', pointerId: event.pointerId, index, target: handle, offset: [eyes[index][0] - fx, eyes[index][1] - fy] };
        handle.classList.add('dragging');
        this._el.cursor.classList.remove('visible');
        try {
          handle.setPointerCapture(event.pointerId);
        } catch {
          /* pointer already gone */
        }
      });
      handle.addEventListener('keydown', (event) => {
        const direction = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] }[event.key];
        if (!direction || event.ctrlKey || event.metaKey || event.altKey) return;
        event.preventDefault();
        const eyes = this._markerEyes();
        if (!eyes) return;
        // One displayed pixel per press, ten with Shift.
        const rect = this._viewRect();
        const step = event.shiftKey ? 10 : 1;
        const [x, y] = eyes[index];
        if (this._moveEye(index, x + (direction[0] * step) / rect.width, y + (direction[1] * step) / rect.height)) this._commit();
      });
    });
  }

  _syncSliders() {
    if (!this._settings) return;
    const root = this.shadowRoot;
    for (const s of STYLE_SLIDERS) {
      const input = root.getElementById(`s-${s.key}`);
      const output = root.getElementById(`o-${s.key}`);
      const value = this._settings[s.key];
      if (Number(input.value) !== value) input.value = String(value);
      const number = formatNumber(this._t, value);
      output.textContent = `${number} ${s.unit}`;
      input.setAttribute('aria-valuetext', `${number} ${this._t.sliders[s.key][2]}`);
    }
  }

  _syncBrushOutput() {
    this._el.brushOut.textContent = `${formatNumber(this._t, this._brushMm)} mm`;
    this._el.brush.setAttribute('aria-valuetext', `${formatNumber(this._t, this._brushMm)} ${this._t.millimetres}`);
  }

  /**
   * Scrolls the panel (when it scrolls in its own column, in the wide layout) just enough to
   * show `section`, e.g. one just opened at its bottom. The page itself does not move.
   */
  _revealInPanel(section) {
    const panel = this._el.panel;
    if (panel.scrollHeight <= panel.clientHeight + 1) return;
    const p = panel.getBoundingClientRect();
    const r = section.getBoundingClientRect();
    let delta = 0;
    if (r.bottom > p.bottom) delta = Math.min(r.bottom - p.bottom, r.top - p.top);
    else if (r.top < p.top) delta = r.top - p.top;
    if (delta) {
      const smooth = !matchMedia('(prefers-reduced-motion: reduce)').matches;
      panel.scrollBy({ top: delta, behavior: smooth ? 'smooth' : 'auto' });
    }
  }

  _setTool(tool) {
    if (MARK_TOOLS.includes(tool) && !this._availableTools().includes(tool)) tool = 'compare';
    this._tool = tool;
    for (const button of this._el.toolButtons) {
      button.setAttribute('aria-pressed', String(button.dataset.tool === tool));
    }
    this._el.editHairline.setAttribute('aria-pressed', String(tool === 'hairline'));
    this._el.stage.dataset.tool = tool;
    if (tool !== 'paint' && tool !== 'erase') this._el.cursor.classList.remove('visible');
    this._el.cursor.classList.toggle('erase', tool === 'erase');
    this._updateAreaVisibility();
  }

  _canShareFiles() {
    try {
      return typeof navigator.canShare === 'function' && navigator.canShare({ files: [new File([''], 'smp-preview.png', { type: 'image/png' })] });
    } catch {
      return false;
    }
  }

  // ---- stage: divider, painting, drop --------------------------------------------------

  /** The box the image is shown in (the zoomed layer), for pointer and key fractions. */
  _viewRect() {
    return this._el.view.getBoundingClientRect();
  }

  /** The divider position under a pointer, in %: across or up and down the picture. */
  _splitAt(event) {
    const [fx, fy] = this._fraction(event);
    return (this._compare === 'y' ? fy : fx) * 100;
  }

  // ---- compare views, hold, loupe and pinch zoom -------------------------------------------

  _wireView() {
    const el = this._el;
    for (const button of el.compareButtons) button.addEventListener('click', () => this._setCompare(button.dataset.compare));
    // Press and hold (pointer, or Space / Enter held down): the photo before.
    const hold = (on) => {
      el.stage.classList.toggle('holding', on);
      el.hold.setAttribute('aria-pressed', String(on));
      if (this._loupeOn && !el.loupe.hidden) this._showLoupe(...this._loupeAt);
    };
    el.hold.addEventListener('pointerdown', (event) => {
      if (event.button !== 0) return;
      event.preventDefault();
      el.hold.focus({ preventScroll: true });
      try {
        el.hold.setPointerCapture(event.pointerId);
      } catch {
        /* gone */
      }
      hold(true);
    });
    for (const type of ['pointerup', 'pointercancel', 'lostpointercapture', 'blur']) el.hold.addEventListener(type, () => hold(false));
    el.hold.addEventListener('contextmenu', (event) => event.preventDefault()); // a long press on a phone
    el.hold.addEventListener('keydown', (event) => {
      if (event.key !== ' ' && event.key !== 'Enter') return;
      event.preventDefault();
      if (!event.repeat) hold(true);
    });
    el.hold.addEventListener('keyup', (event) => {
      if (event.key === ' ' || event.key === 'Enter') hold(false);
    });
    el.zoom.addEventListener('click', () => this._setLoupe(!this._loupeOn));
    el.fit.addEventListener('click', () => this._setZoom(1, 0, 0));
    // With the loupe on, a focused picture moves it with the arrow keys (Compare tool).
    el.stage.addEventListener('keydown', (event) => {
      if (!this._loupeOn || event.target !== el.stage) return;
      const step = arrowStep(event);
      if (!step) return;
      event.preventDefault();
      const rect = this._viewRect();
      this._showLoupe(clamp(this._loupeAt[0] + (step[0] * 4) / rect.width, 0, 1), clamp(this._loupeAt[1] + (step[1] * 4) / rect.height, 0, 1));
    });
    el.stage.addEventListener('focus', () => {
      if (this._loupeOn) this._showLoupe(...this._loupeAt);
    });
    el.stage.addEventListener('blur', () => {
      el.loupe.hidden = true;
    });
  }

  /** The compare view: 'x' (a divider across), 'y' (up and down) or 'side' (side by side). */
  _setCompare(mode) {
    if (!['x', 'y', 'side'].includes(mode)) {
      console.warn(`<smp-preview>: compare="${mode}" is not one of x, y, side.`);
      return;
    }
    if (mode === this._compare) return;
    this._compare = mode;
    this._el.stageWrap.dataset.compare = mode;
    for (const b of this._el.compareButtons) b.setAttribute('aria-pressed', String(b.dataset.compare === mode));
    this._el.handle.setAttribute('aria-orientation', mode === 'y' ? 'vertical' : 'horizontal');
    this._setZoom(1, 0, 0);
    this._announce(this._t.viewAnnounce[mode]);
  }

  /** The compare view in use: 'x', 'y' or 'side'. */
  get compareMode() {
    return this._compare;
  }

  set compareMode(mode) {
    this._setCompare(mode);
  }

  _setLoupe(on) {
    this._loupeOn = on;
    this._el.zoom.setAttribute('aria-pressed', String(on));
    this._el.stage.classList.toggle('zooming', on);
    if (on) this._showLoupe(...this._loupeAt);
    else this._el.loupe.hidden = true;
  }

  /**
   * The loupe at (fx, fy) of the image: the photo shown there (before or after, as the divider
   * or the hold decides) at 100 %, one image pixel per device pixel.
   */
  _showLoupe(fx, fy) {
    if (!this._preview) return;
    this._loupeAt = [fx, fy];
    const { loupe, stage, before, after } = this._el;
    const ratio = window.devicePixelRatio || 1;
    const size = Math.round(loupe.offsetWidth || 180);
    if (loupe.width !== Math.round(size * ratio)) loupe.width = loupe.height = Math.round(size * ratio);
    const onBefore = stage.classList.contains('holding') || (this._compare !== 'side' && (this._compare === 'y' ? fy : fx) * 100 < this._split);
    const source = onBefore ? before : after;
    const w = this._preview.width;
    const h = this._preview.height;
    const ctx = loupe.getContext('2d');
    ctx.imageSmoothingEnabled = false;
    ctx.clearRect(0, 0, loupe.width, loupe.height);
    ctx.drawImage(source, Math.round(fx * w - loupe.width / 2), Math.round(fy * h - loupe.height / 2), loupe.width, loupe.height, 0, 0, loupe.width, loupe.height);
    const view = this._viewRect();
    const box = stage.getBoundingClientRect();
    loupe.style.transform = `translate(${view.left - box.left + fx * view.width - size / 2}px, ${view.top - box.top + fy * view.height - size / 2}px)`;
    loupe.dataset.source = onBefore ? 'before' : 'after';
    loupe.hidden = false;
  }

  /** Zooms the picture by `s` (1 = fit) with the view shifted by (tx, ty) CSS px, kept covering the stage. */
  _setZoom(s, tx, ty) {
    const stage = this._el.stage;
    const width = stage.clientWidth;
    const height = stage.clientHeight;
    s = clamp(s, 1, this._maxZoom());
    tx = clamp(tx, width - width * s, 0);
    ty = clamp(ty, height - height * s, 0);
    this._zoom = { s, tx, ty };
    this._el.view.style.transform = s === 1 ? '' : `translate(${tx}px, ${ty}px) scale(${s})`;
    this._el.fit.hidden = s === 1;
    this._updateScaleBar();
  }

  /** At most 4×, or more where that is needed to reach one image pixel per CSS pixel. */
  _maxZoom() {
    return this._preview ? Math.max(4, this._preview.width / Math.max(1, this._el.stage.clientWidth)) : 4;
  }

  /** Zoom factor of the picture (1 = fit; pinch on a touch screen). */
  get zoom() {
    return this._zoom.s;
  }

  /** Notes a finger on the picture; a second one in the compare tool starts a pinch (true). */
  _touchDown(event) {
    if (event.pointerType !== 'touch' || !this._preview) return false;
    if (event.isPrimary) this._touches.clear(); // a new touch sequence
    this._touches.set(event.pointerId, [event.clientX, event.clientY]);
    if (this._touches.size !== 2 || this._tool !== 'compare') return false;
    this._startPinch();
    return true;
  }

  _startPinch() {
    // The first finger may have started moving the divider: that gesture ends here.
    if (this._gesture) {
      try {
        this._gesture.target.releasePointerCapture(this._gesture.pointerId);
      } catch {
        /* gone */
      }
      this._gesture = null;
    }
    const box = this._el.stage.getBoundingClientRect();
    const [a, b] = [...this._touches.values()];
    const mid = [(a[0] + b[0]) / 2 - box.left, (a[1] + b[1]) / 2 - box.top];
    const { s, tx, ty } = this._zoom;
    this._pinch = { distance: Math.max(1, Math.hypot(a[0] - b[0], a[1] - b[1])), s, content: [(mid[0] - tx) / s, (mid[1] - ty) / s] };
  }

  _movePinch() {
    const pinch = this._pinch;
    const [a, b] = [...this._touches.values()];
    if (!a || !b) return;
    const box = this._el.stage.getBoundingClientRect();
    const mid = [(a[0] + b[0]) / 2 - box.left, (a[1] + b[1]) / 2 - box.top];
    const s = clamp((pinch.s * Math.hypot(a[0] - b[0], a[1] - b[1])) / pinch.distance, 1, this._maxZoom());
    // The point under the fingers' midpoint stays under it.
    this._setZoom(s, mid[0] - pinch.content[0] * s, mid[1] - pinch.content[1] * s);
  }

  _setSplit(value) {
    if (!Number.isFinite(value)) return;
    const split = Math.min(100, Math.max(0, Math.round(value * 10) / 10));
    this._split = split;
    this._el.stage.style.setProperty('--split', `${split}%`);
    const handle = this._el.handle;
    const rounded = Math.round(split);
    handle.setAttribute('aria-valuenow', String(rounded));
    handle.setAttribute('aria-valuetext', this._t.dividerText(rounded));
    this._el.labelBefore.style.opacity = split < 12 ? '0' : '';
    this._el.labelAfter.style.opacity = split > 88 ? '0' : '';
  }

  /** Pointer position as fractions of the image (x of width, y of height). */
  _fraction(event) {
    const rect = this._viewRect();
    return [(event.clientX - rect.left) / rect.width, (event.clientY - rect.top) / rect.height];
  }

  _brushRadiusFraction() {
    if (!this._preview) return 0.03;
    const r = (this._brushMm * this.pxPerMm) / this._preview.width;
    return Math.min(1, Math.max(0.0005, r));
  }

  _moveCursor(event) {
    const cursor = this._el.cursor;
    const stageRect = this._el.stage.getBoundingClientRect();
    const overHandle = event.target && event.target.classList && (event.target.classList.contains('eye-handle') || event.target.classList.contains('mark-handle'));
    if ((this._tool !== 'paint' && this._tool !== 'erase') || !this._preview || overHandle) {
      cursor.classList.remove('visible');
      return;
    }
    const rect = this._viewRect();
    const diameter = 2 * this._brushRadiusFraction() * rect.width;
    const x = event.clientX - stageRect.left;
    const y = event.clientY - stageRect.top;
    cursor.style.width = cursor.style.height = `${diameter}px`;
    cursor.style.transform = `translate(${x - diameter / 2}px, ${y - diameter / 2}px)`;
    cursor.classList.add('visible');
  }

  _wireStage() {
    const { stage, handle } = this._el;

    handle.addEventListener('keydown', (event) => {
      const big = event.shiftKey ? 10 : 1;
      // Up and down the picture (view 'y'), Up moves the divider up: less "before".
      const up = this._compare === 'y' ? -1 : 1;
      let next = null;
      switch (event.key) {
        case 'ArrowLeft':
          next = this._split - big;
          break;
        case 'ArrowRight':
          next = this._split + big;
          break;
        case 'ArrowDown':
          next = this._split - up * big;
          break;
        case 'ArrowUp':
          next = this._split + up * big;
          break;
        case 'PageDown':
          next = this._split - 10;
          break;
        case 'PageUp':
          next = this._split + 10;
          break;
        case 'Home':
          next = 0;
          break;
        case 'End':
          next = 100;
          break;
        default:
          return;
      }
      event.preventDefault();
      this._setSplit(Math.round(next));
    });

    handle.addEventListener('pointerdown', (event) => {
      if (event.button !== 0) return;
      event.preventDefault();
      event.stopPropagation();
      if (this._touchDown(event)) return;
      handle.focus({ preventScroll: true });
      this._startDividerDrag(event, handle);
    });

    stage.addEventListener('pointerdown', (event) => {
      if (event.button !== 0 || !this._preview) return;
      if (this._touchDown(event)) {
        event.preventDefault();
        return;
      }
      stage.focus({ preventScroll: true });
      if (this._tool === 'compare') {
        event.preventDefault();
        this._startDividerDrag(event, stage);
        // A finger may be starting a vertical scroll: move the divider once it moves sideways
        // (or on a tap), not on touch-down.
        if (event.pointerType === 'touch') this._gesture.touchStart = [event.clientX, event.clientY];
        else this._setSplit(this._splitAt(event));
      } else if (this._tool === 'paint' || this._tool === 'erase') {
        event.preventDefault();
        this._startStroke(event);
      } else if (SHAPE_TOOLS.includes(this._tool)) {
        event.preventDefault();
        this._startShape(event);
      }
      // With the Hairline tool only its handles respond.
    });

    stage.addEventListener('pointermove', (event) => {
      if (event.pointerType === 'touch' && this._touches.has(event.pointerId)) {
        this._touches.set(event.pointerId, [event.clientX, event.clientY]);
        if (this._pinch) {
          this._movePinch();
          return;
        }
      }
      if (this._loupeOn && event.pointerType !== 'touch') {
        const [fx, fy] = this._fraction(event);
        this._showLoupe(fx, fy);
      }
      const gesture = this._gesture;
      if (gesture && HANDLE_GESTURES.includes(gesture.kind)) {
        if (gesture.pointerId === event.pointerId) {
          const [fx, fy] = this._fraction(event);
          const [x, y] = [fx + gesture.offset[0], fy + gesture.offset[1]];
          if (gesture.kind === 'eye') this._moveEye(gesture.index, x, y);
          else if (gesture.kind === 'hairline') this._moveHairlinePoint(gesture.index, x, y);
          else if (gesture.kind === 'patch-move') this._movePatch(gesture.index, x, y);
          else if (gesture.kind === 'patch-size') {
            const shape = this._settings.area.shapes[gesture.index];
            if (shape) this._resizePatch(gesture.index, this._distanceMm(shape.center, [fx, fy]));
          }
        }
        return;
      }
      if (gesture && SHAPE_GESTURES.includes(gesture.kind)) {
        if (gesture.pointerId === event.pointerId) this._moveShape(event, false);
        return;
      }
      if (event.pointerType !== 'touch') this._moveCursor(event);
      if (!gesture || gesture.pointerId !== event.pointerId) return;
      if (gesture.kind === 'divider') {
        if (gesture.touchStart) {
          // Follow the finger only once the move is clearly sideways.
          const dx = Math.abs(event.clientX - gesture.touchStart[0]);
          const dy = Math.abs(event.clientY - gesture.touchStart[1]);
          if (dx < 8 || dx < dy) return;
          gesture.touchStart = null;
        }
        this._setSplit(this._splitAt(event));
      } else if (gesture.kind === 'paint') {
        const events = typeof event.getCoalescedEvents === 'function' ? event.getCoalescedEvents() : [];
        for (const e of events.length ? events : [event]) this._extendStroke(e, false);
      }
    });
    handle.addEventListener('pointermove', (event) => {
      const gesture = this._gesture;
      if (gesture && gesture.kind === 'divider' && gesture.pointerId === event.pointerId && gesture.target === handle) {
        event.stopPropagation();
        this._setSplit(this._splitAt(event));
      }
    });

    const end = (event) => {
      const gesture = this._gesture;
      if (!gesture || gesture.pointerId !== event.pointerId) return;
      if (gesture.kind === 'paint' && event.type === 'pointerup') this._extendStroke(event, true);
      if (gesture.kind === 'divider' && gesture.touchStart && event.type === 'pointerup') {
        // A tap: the divider jumps there.
        this._setSplit(this._splitAt(event));
      }
      if (SHAPE_GESTURES.includes(gesture.kind)) this._endShape(event, event.type !== 'pointerup');
      this._gesture = null;
      if (gesture.kind === 'paint') {
        stage.classList.remove('painting');
        this._commit();
        this._flushRender();
      } else if (HANDLE_GESTURES.includes(gesture.kind)) {
        // One undo step per drag, like a stroke.
        gesture.target.classList.remove('dragging');
        this._commit();
        this._flushRender();
      } else if (SHAPE_GESTURES.includes(gesture.kind)) {
        this._flushRender();
      }
    };
    for (const target of [stage, handle]) {
      target.addEventListener('pointerup', end);
      target.addEventListener('pointercancel', end);
      target.addEventListener('lostpointercapture', end);
    }
    stage.addEventListener('pointerleave', (event) => {
      if (event.pointerType !== 'touch' && !this._gesture) this._el.cursor.classList.remove('visible');
      if (event.pointerType !== 'touch' && document.activeElement !== this) this._el.loupe.hidden = true;
    });
    const untouch = (event) => {
      if (!this._touches.delete(event.pointerId)) return;
      if (this._pinch && this._touches.size < 2) this._pinch = null;
    };
    for (const type of ['pointerup', 'pointercancel']) stage.addEventListener(type, untouch);

    // Drag and drop of an image file.
    const hasFiles = (event) => event.dataTransfer && Array.from(event.dataTransfer.types || []).includes('Files');
    stage.addEventListener('dragenter', (event) => {
      if (!hasFiles(event)) return;
      event.preventDefault();
      stage.classList.add('drop-target');
    });
    stage.addEventListener('dragover', (event) => {
      if (!hasFiles(event)) return;
      event.preventDefault();
      event.dataTransfer.dropEffect = 'copy';
      stage.classList.add('drop-target');
    });
    stage.addEventListener('dragleave', (event) => {
      if (event.relatedTarget && stage.contains(event.relatedTarget)) return;
      stage.classList.remove('drop-target');
    });
    stage.addEventListener('drop', (event) => {
      stage.classList.remove('drop-target');
      if (!event.dataTransfer) return;
      event.preventDefault();
      const file = Array.from(event.dataTransfer.files || [])[0];
      if (file) this.load(file).catch(() => {});
      else this._fail(this._t.dropImage);
    });
  }

  _startDividerDrag(event, target) {
    this._gesture = { kind: 'divider', pointerId: event.pointerId, target };
    try {
      target.setPointerCapture(event.pointerId);
    } catch {
      /* pointer already gone */
    }
  }

  _startStroke(event) {
    if (!this._settings) return;
    const [x, y] = this._fraction(event);
    const stroke = { tool: this._tool === 'erase' ? 'erase' : 'paint', radius: this._brushRadiusFraction(), points: [[x, y]] };
    this._settings = {
      ...this._settings,
      area: { ...this._settings.area, strokes: [...this._settings.area.strokes, stroke] },
    };
    this._gesture = { kind: 'paint', pointerId: event.pointerId, stroke };
    this._el.stage.classList.add('painting');
    try {
      this._el.stage.setPointerCapture(event.pointerId);
    } catch {
      /* pointer already gone */
    }
    this._moveCursor(event);
    this._changed();
  }

  /** Adds a point to the stroke in progress, skipping points closer than ¼ radius. */
  _extendStroke(event, final) {
    const gesture = this._gesture && this._gesture.kind === 'paint' ? this._gesture : null;
    if (!gesture || !this._preview) return;
    const stroke = gesture.stroke;
    const [x, y] = this._fraction(event);
    const last = stroke.points[stroke.points.length - 1];
    const w = this._preview.width;
    const h = this._preview.height;
    const distance = Math.hypot((x - last[0]) * w, (y - last[1]) * h);
    const minimum = final ? 0.5 : stroke.radius * w * 0.25;
    if (distance < minimum) return;
    stroke.points.push([x, y]);
    this._changed();
  }

  _onPaste(event) {
    if (!this.isConnected || !event.clipboardData) return;
    const path = event.composedPath ? event.composedPath() : [event.target];
    if (isTextField(path[0]) || isTextField(document.activeElement)) return;
    // With several previewers on a page, a paste goes to the one with the focus (or pasted
    // into); with one, to it wherever the focus is.
    const mine = path.includes(this) || document.activeElement === this;
    if (!mine && document.querySelectorAll('smp-preview').length > 1) return;
    const item = Array.from(event.clipboardData.files || []).find((f) => f.type.startsWith('image/'));
    const file =
      item ||
      Array.from(event.clipboardData.items || [])
        .filter((i) => i.kind === 'file' && i.type.startsWith('image/'))
        .map((i) => i.getAsFile())
        .find(Boolean);
    if (!file) return;
    event.preventDefault();
    this.load(file).catch(() => {});
  }

  // ---- treatments: the picker and its presets -----------------------------------------------

  /** `preview.describe()` of settings other than the current ones (not cached). */
  _describeOther(settings) {
    if (!this._preview) return null;
    try {
      return this._preview.describe(settings);
    } catch {
      return null;
    }
  }

  /**
   * A size in mm kept within the core's range for `key` (`stripWidth`, `patchRadius`…), to a
   * tenth of a mm unless `round` is false.
   */
  _clampSize(key, value, round = true) {
    const range = this._limits[key];
    return clamp(round ? Math.round(value * 10) / 10 : value, range.min, range.max);
  }

  /**
   * Puts the core's hairline of `style` into `settings` (a copy being built) and sets the
   * softness to that style's; false when the core offers no guess.
   */
  _placeHairline(settings, style) {
    const description = this._describeOther(settings);
    const guess = description && description.hairlineGuesses && description.hairlineGuesses[style];
    if (!guess) return false;
    settings.area.hairline = { style, points: guess.points.map(([x, y]) => [x, y]) };
    const range = this._limits.softness;
    settings.softness = clamp(guess.softness, range.min, range.max);
    return true;
  }

  /** Adds the core's crown area to `settings` (a copy being built) when it has no patch. */
  _placeCrown(settings) {
    if (settings.area.shapes.some((shape) => shape.kind === 'patch')) return;
    const description = this._describeOther(settings);
    const guess = description && description.crownGuess;
    if (!guess) return;
    const radii = guess.radii.map((r) => this._clampSize('crownRadius', r, false));
    settings.area.shapes.push({ kind: 'patch', center: [guess.center[0], guess.center[1]], radii, angle: 0 });
  }

  /** `settings` with `treatment` and its preset (a new object; shapes and strokes are kept). */
  _withTreatment(settings, treatment) {
    const preset = TREATMENT[treatment];
    const next = clone(settings);
    next.treatment = treatment;
    next.area.base = preset.base;
    if (preset.hairline === 'none') next.area.hairline = null;
    else if (!next.area.hairline) this._placeHairline(next, this._hairlineStyle);
    if (treatment === 'crown') this._placeCrown(next);
    return next;
  }

  /** The visitor picked a treatment: its preset is one undo step. */
  _pickTreatment(treatment) {
    if (!this._settings || !Object.hasOwn(TREATMENT, treatment) || treatment === this._settings.treatment) return;
    this._settings = this._withTreatment(this._settings, treatment);
    this._commit();
    this._syncControls();
    this._changed();
    // Straight to the tool that draws this treatment's shapes (Full head keeps the tool in use).
    const tool = TREATMENT[treatment].tools[0];
    if (tool && treatment !== 'fullHead') this._setTool(tool);
    this._announce(this._t.treatments[treatment].join('. '));
  }

  /**
   * The tools offered besides Compare, Paint and Erase: the treatment's shape tools, and
   * Hairline whenever there is a hairline to edit.
   */
  _availableTools() {
    const settings = this._settings;
    if (!settings) return [];
    const tools = TREATMENT[settings.treatment].tools.filter((tool) => tool !== 'hairline');
    if (settings.area.hairline) tools.unshift('hairline');
    return tools;
  }

  // ---- the hairline designer --------------------------------------------------------------

  _chooseHairlineStyle(style) {
    if (!this._settings) return;
    this._hairlineStyle = style;
    const next = clone(this._settings);
    if (!this._placeHairline(next, style)) {
      this._syncControls();
      return;
    }
    this._settings = next;
    this._commit();
    this._syncControls();
    this._changed();
    this._announce(this._t.hairlinePlaced(this._t.hairlineStyles[style]));
  }

  _removeHairline() {
    if (!this._settings || !this._settings.area.hairline) return;
    this._setArea({ ...this._settings.area, hairline: null }, this._t.hairlineRemoved);
    if (this._tool === 'hairline' && !this._availableTools().includes('hairline')) this._setTool('compare');
  }

  /** Places a hairline of the chosen style and shows its handles. */
  _addHairline() {
    if (!this._settings || this._settings.area.hairline) return;
    this._chooseHairlineStyle(this._hairlineStyle);
    if (this._settings.area.hairline) this._setTool('hairline');
  }

  /** Moves one hairline handle to (x, y) in fractions of the image; false when nothing changed. */
  _moveHairlinePoint(index, x, y) {
    const hairline = this._settings && this._settings.area.hairline;
    if (!hairline) return false;
    const point = [clamp(x, 0, 1), clamp(y, 0, 1)];
    const old = hairline.points[index];
    if (old[0] === point[0] && old[1] === point[1]) return false;
    const points = hairline.points.map((p, i) => (i === index ? point : p));
    this._settings = { ...this._settings, area: { ...this._settings.area, hairline: { ...hairline, points } } };
    this._changed();
    this._drawMarks();
    return true;
  }

  _wireHairline() {
    const el = this._el;
    el.hairlineStyle.addEventListener('change', () => this._chooseHairlineStyle(el.hairlineStyle.value));
    el.removeHairline.addEventListener('click', () => {
      this._removeHairline();
      el.addHairline.focus();
    });
    el.addHairline.addEventListener('click', () => {
      this._addHairline();
      if (this._settings.area.hairline) el.removeHairline.focus();
    });
    el.editHairline.addEventListener('click', () => this._setTool(this._tool === 'hairline' ? 'compare' : 'hairline'));
    el.hairlineHandles.forEach((handle, index) => {
      handle.addEventListener('pointerdown', (event) => {
        const hairline = this._settings && this._settings.area.hairline;
        if (event.button !== 0 || !hairline) return;
        const [x, y] = hairline.points[index];
        this._grabHandle(event, handle, { kind: 'hairline', index }, [x, y]);
      });
      handle.addEventListener('keydown', (event) => {
        const hairline = this._settings && this._settings.area.hairline;
        const step = arrowStep(event);
        if (!step || !hairline) return;
        event.preventDefault();
        const rect = this._viewRect();
        const [x, y] = hairline.points[index];
        if (this._moveHairlinePoint(index, x + step[0] / rect.width, y + step[1] / rect.height)) this._commit();
      });
    });
  }

  /**
   * Starts dragging an on-photo handle: keeps the grab offset (so the point does not jump to
   * the pointer) and captures the pointer; the stage's move and end handlers do the rest.
   */
  _grabHandle(event, handle, gesture, point) {
    // The stage below must not start a divider drag, a stroke or a shape.
    event.preventDefault();
    event.stopPropagation();
    handle.focus({ preventScroll: true });
    const [fx, fy] = this._fraction(event);
    this._gesture = { ...gesture, pointerId: event.pointerId, target: handle, offset: [point[0] - fx, point[1] - fy] };
    handle.classList.add('dragging');
    this._el.cursor.classList.remove('visible');
    try {
      handle.setPointerCapture(event.pointerId);
    } catch {
      /* pointer already gone */
    }
  }

  // ---- shapes: scar strips, FUE dots, patches --------------------------------------------

  /** Replaces shape `index` (a new object); one undo step when `commit`. */
  _setShape(index, shape, commit) {
    const shapes = this._settings.area.shapes.map((s, i) => (i === index ? shape : s));
    this._settings = { ...this._settings, area: { ...this._settings.area, shapes } };
    if (commit) this._commit();
    this._changed();
    this._drawMarks();
  }

  _addShape(shape) {
    const shapes = [...this._settings.area.shapes, shape];
    this._settings = { ...this._settings, area: { ...this._settings.area, shapes } };
    this._changed();
    this._drawMarks();
    return shapes.length - 1;
  }

  _removeShapes(keep, message) {
    const shapes = this._settings.area.shapes.filter((shape, i) => keep(shape, i));
    if (shapes.length === this._settings.area.shapes.length) return;
    this._setArea({ ...this._settings.area, shapes }, message);
    this._drawMarks();
  }

  /** Image pixels per CSS pixel of the stage as shown. */
  _imagePxPerCssPx() {
    const rect = this._viewRect();
    return rect.width > 0 ? this._preview.width / rect.width : 1;
  }

  /** Distance in mm on the photo between two points given in fractions of the image. */
  _distanceMm(a, b) {
    const w = this._preview.width;
    const h = this._preview.height;
    return Math.hypot((a[0] - b[0]) * w, (a[1] - b[1]) * h) / (this.pxPerMm || 1);
  }

  _startShape(event) {
    if (!this._settings || !this._limits) return;
    const point = this._fraction(event);
    const start = [event.clientX, event.clientY];
    let gesture;
    if (this._tool === 'strip') {
      const shape = { kind: 'strip', points: [point], width: this._newSizes.stripWidth };
      gesture = { kind: 'strip', index: this._addShape(shape), shape };
    } else if (this._tool === 'dot') {
      gesture = { kind: 'dot' };
    } else {
      // Inside a patch: the patch moves with the pointer; elsewhere a new one is placed.
      const inside = this._patchAt(point);
      if (inside >= 0) {
        const center = this._settings.area.shapes[inside].center;
        this._gesture = { kind: 'patch-move', index: inside, pointerId: event.pointerId, target: this._el.stage, offset: [center[0] - point[0], center[1] - point[1]] };
        try {
          this._el.stage.setPointerCapture(event.pointerId);
        } catch {
          /* pointer already gone */
        }
        return;
      }
      const key = this._settings.treatment === 'crown' ? 'crownRadius' : 'patchRadius';
      const r = this._limits[key].default;
      gesture = { kind: 'patch-new', key, index: this._addShape({ kind: 'patch', center: point, radii: [r, r], angle: 0 }) };
    }
    this._gesture = { ...gesture, pointerId: event.pointerId, start, point, moved: false };
    try {
      this._el.stage.setPointerCapture(event.pointerId);
    } catch {
      /* pointer already gone */
    }
  }

  /** The pointer moved while a shape is being drawn or placed. */
  _moveShape(event, final) {
    const gesture = this._gesture;
    if (!gesture.moved && Math.hypot(event.clientX - gesture.start[0], event.clientY - gesture.start[1]) >= TAP_SLOP) gesture.moved = true;
    if (gesture.kind === 'strip') {
      const points = gesture.shape.points;
      const [x, y] = this._fraction(event);
      const last = points[points.length - 1];
      const px = Math.hypot((x - last[0]) * this._preview.width, (y - last[1]) * this._preview.height);
      // Points about every 2 displayed pixels; the finished strip is simplified anyway.
      if (px < (final ? 0.5 : 2 * this._imagePxPerCssPx())) return;
      points.push([x, y]);
      this._changed();
      this._drawMarks();
    } else if (gesture.kind === 'patch-new' && gesture.moved) {
      // Dragging while placing sets the radius: from the centre to the pointer.
      const shape = this._settings.area.shapes[gesture.index];
      const r = this._clampSize(gesture.key, this._distanceMm(shape.center, this._fraction(event)));
      if (r !== shape.radii[0] || r !== shape.radii[1]) this._setShape(gesture.index, { ...shape, radii: [r, r] }, false);
    }
  }

  /** The pointer went up (or away): the shape is finished, as one undo step. */
  _endShape(event, cancelled) {
    const gesture = this._gesture;
    if (gesture.kind === 'strip') {
      if (!cancelled) this._moveShape(event, true);
      const shape = gesture.shape;
      const ppm = this.pxPerMm || 1;
      const w = this._preview.width;
      const h = this._preview.height;
      const widthPx = shape.width * ppm;
      const pixels = shape.points.map(([x, y]) => [x * w, y * h]);
      let length = 0;
      for (let i = 1; i < pixels.length; i++) length += Math.hypot(pixels[i][0] - pixels[i - 1][0], pixels[i][1] - pixels[i - 1][1]);
      if (cancelled || length < Math.max(widthPx, TAP_SLOP * this._imagePxPerCssPx())) {
        // A tap is not a scar: strips are drawn by dragging along them.
        const shapes = this._settings.area.shapes.filter((s) => s !== shape);
        this._settings = { ...this._settings, area: { ...this._settings.area, shapes } };
        this._changed();
        if (!cancelled) this._announce(this._t.dragStrip);
      } else {
        const kept = simplify(pixels, Math.max(0.5, widthPx * STRIP_SIMPLIFY));
        const points = kept.map(([x, y]) => [x / w, y / h]);
        this._setShape(gesture.index, { ...shape, points }, false);
        this._announce(this._t.stripAdded(formatNumber(this._t, shape.width)));
      }
    } else if (gesture.kind === 'dot') {
      if (!cancelled && !gesture.moved) {
        this._addShape({ kind: 'dot', center: gesture.point, diameter: this._newSizes.dotDiameter });
        this._announce(this._t.dotAdded(formatNumber(this._t, this._newSizes.dotDiameter)));
      }
    } else if (gesture.kind === 'patch-new') {
      const shape = this._settings.area.shapes[gesture.index];
      if (shape) this._announce(this._t.patchAdded(this._patchName(gesture.index), formatNumber(this._t, shape.radii[0])));
    }
    this._commit();
  }

  /** The topmost patch that holds `point` (fractions of the image), or -1. */
  _patchAt(point) {
    const shapes = this._settings.area.shapes;
    const ppm = this.pxPerMm || 1;
    for (let i = shapes.length - 1; i >= 0; i--) {
      const shape = shapes[i];
      if (shape.kind !== 'patch') continue;
      const dx = (point[0] - shape.center[0]) * this._preview.width;
      const dy = (point[1] - shape.center[1]) * this._preview.height;
      const a = (shape.angle * Math.PI) / 180;
      const u = (dx * Math.cos(a) + dy * Math.sin(a)) / (shape.radii[0] * ppm);
      const v = (-dx * Math.sin(a) + dy * Math.cos(a)) / (shape.radii[1] * ppm);
      if (u * u + v * v <= 1) return i;
    }
    return -1;
  }

  /** The visitor's name of patch `index` (among the shapes): "Patch 2", "Crown area". */
  _patchName(index) {
    const shapes = this._settings.area.shapes;
    const patches = shapes.map((s, i) => (s.kind === 'patch' ? i : -1)).filter((i) => i >= 0);
    const n = patches.indexOf(index) + 1;
    if (this._settings.treatment === 'crown') return this._t.crownArea(patches.length > 1 ? n : 0);
    return this._t.patch(n);
  }

  _stripName(index) {
    const strips = this._settings.area.shapes.map((s, i) => (s.kind === 'strip' ? i : -1)).filter((i) => i >= 0);
    return this._t.scarStrip(strips.indexOf(index) + 1);
  }

  /** Moves patch `index` so its centre is at (x, y) in fractions of the image. */
  _movePatch(index, x, y) {
    const shape = this._settings.area.shapes[index];
    if (!shape || shape.kind !== 'patch') return false;
    const center = [clamp(x, 0, 1), clamp(y, 0, 1)];
    if (center[0] === shape.center[0] && center[1] === shape.center[1]) return false;
    this._setShape(index, { ...shape, center }, false);
    return true;
  }

  /** Sets patch `index`'s larger half-axis to `mm`, keeping its shape. */
  _resizePatch(index, mm) {
    const shape = this._settings.area.shapes[index];
    if (!shape || shape.kind !== 'patch') return false;
    const [rx, ry] = shape.radii;
    const k = this._clampSize('patchRadius', mm) / Math.max(rx, ry);
    const radii = [this._clampSize('patchRadius', rx * k), this._clampSize('patchRadius', ry * k)];
    if (radii[0] === rx && radii[1] === ry) return false;
    this._setShape(index, { ...shape, radii }, false);
    return true;
  }

  _wirePatchHandles() {
    const box = this._el.patchHandles;
    const target = (event) => {
      const handle = event.target.closest && event.target.closest('.mark-handle');
      const index = handle ? Number(handle.dataset.shape) : -1;
      const shape = this._settings && this._settings.area.shapes[index];
      return shape && shape.kind === 'patch' ? { handle, index, shape } : null;
    };
    box.addEventListener('pointerdown', (event) => {
      const hit = target(event);
      if (event.button !== 0 || !hit) return;
      const { handle, index, shape } = hit;
      if (handle.classList.contains('rim')) this._grabHandle(event, handle, { kind: 'patch-size', index }, [0, 0]);
      else this._grabHandle(event, handle, { kind: 'patch-move', index }, shape.center);
    });
    box.addEventListener('keydown', (event) => {
      const hit = target(event);
      if (!hit || event.ctrlKey || event.metaKey || event.altKey) return;
      const { handle, index, shape } = hit;
      if (event.key === 'Delete' || event.key === 'Backspace') {
        event.preventDefault();
        const name = this._patchName(index);
        this._removeShapes((s, i) => i !== index, this._t.removed(name));
        this._el.stage.focus({ preventScroll: true });
        return;
      }
      let changed = false;
      if (handle.classList.contains('rim')) {
        const r = Math.max(...shape.radii);
        const range = this._limits.patchRadius;
        const big = event.shiftKey ? 5 : 1;
        const next = {
          ArrowUp: r + big,
          ArrowRight: r + big,
          ArrowDown: r - big,
          ArrowLeft: r - big,
          PageUp: r + 10,
          PageDown: r - 10,
          Home: range.min,
          End: range.max,
        }[event.key];
        if (next === undefined) return;
        event.preventDefault();
        changed = this._resizePatch(index, next);
      } else {
        const step = arrowStep(event);
        if (!step) return;
        event.preventDefault();
        const rect = this._viewRect();
        changed = this._movePatch(index, shape.center[0] + step[0] / rect.width, shape.center[1] + step[1] / rect.height);
      }
      if (changed) this._commit();
    });
  }

  // ---- the marks over the photo: hairline, shapes, handles ---------------------------------

  /** Draws the hairline and shapes as outlines, and places the handles of the tool in use. */
  _drawMarks() {
    const el = this._el;
    const settings = this._settings;
    const description = this._describe();
    if (!settings || !this._preview || !description) {
      el.marks.hidden = true;
      return;
    }
    const w = this._preview.width;
    const h = this._preview.height;
    const tool = this._tool;
    const showArea = el.showArea.checked;
    const hairline = settings.area.hairline;
    const shapes = settings.area.shapes;
    const showHairline = Boolean(hairline) && (tool === 'hairline' || showArea);
    const showShapes = shapes.length > 0 && (SHAPE_TOOLS.includes(tool) || showArea);
    el.marks.hidden = !(showHairline || showShapes);
    el.stage.classList.toggle('marks-mode', MARK_TOOLS.includes(tool));
    if (el.marks.hidden) return;
    el.marksSvg.setAttribute('viewBox', `0 0 ${w} ${h}`);

    const d = showHairline ? smoothPath(hairline.points.map(([x, y]) => [x * w, y * h])) : '';
    for (const path of el.hairlinePaths) path.setAttribute('d', d);
    const handlesShown = showHairline && tool === 'hairline';
    el.hairlineHandles.forEach((handle, i) => {
      handle.hidden = !handlesShown;
      if (!handlesShown) return;
      const [x, y] = hairline.points[i];
      placeHandle(this._t, handle, x, y);
    });

    const ppm = description.pxPerMm;
    const minR = 2.5 * this._imagePxPerCssPx(); // a dot stays visible however small
    const parts = [];
    let dots = '';
    const patchIndices = [];
    if (showShapes) {
      shapes.forEach((shape, index) => {
        if (shape.kind === 'strip') {
          const pts = shape.points.map(([x, y]) => `${fmt(x * w)},${fmt(y * h)}`).join(' ');
          parts.push(`<polyline class="band" points="${pts}" stroke-width="${fmt(shape.width * ppm)}"></polyline><polyline class="shade" points="${pts}"></polyline><polyline class="line" points="${pts}"></polyline>`);
        } else if (shape.kind === 'dot') {
          const r = Math.max(minR, (shape.diameter / 2) * ppm);
          const [cx, cy] = [shape.center[0] * w, shape.center[1] * h];
          dots += `M${fmt(cx - r)} ${fmt(cy)}a${fmt(r)} ${fmt(r)} 0 1 0 ${fmt(2 * r)} 0a${fmt(r)} ${fmt(r)} 0 1 0 ${fmt(-2 * r)} 0`;
        } else if (shape.kind === 'patch') {
          const [cx, cy] = [fmt(shape.center[0] * w), fmt(shape.center[1] * h)];
          const e = `cx="${cx}" cy="${cy}" rx="${fmt(shape.radii[0] * ppm)}" ry="${fmt(shape.radii[1] * ppm)}" transform="rotate(${fmt(shape.angle)} ${cx} ${cy})"`;
          parts.push(`<ellipse class="shade" ${e}></ellipse><ellipse class="line" ${e}></ellipse>`);
          patchIndices.push(index);
        }
      });
      if (dots) parts.push(`<path class="dots shade" d="${dots}"></path><path class="dots line" d="${dots}"></path>`);
    }
    const markup = parts.join('');
    if (this._shapeMarkup !== markup) {
      this._shapeMarkup = markup;
      el.shapeMarks.innerHTML = markup;
    }
    this._placePatchHandles(tool === 'patch' && showShapes ? patchIndices : [], ppm);
  }

  /** A centre handle (moves) and a rim handle (resizes) for each patch, reused across redraws. */
  _placePatchHandles(indices, ppm) {
    const box = this._el.patchHandles;
    while (box.children.length > indices.length * 2) box.lastElementChild.remove();
    while (box.children.length < indices.length * 2) {
      const handle = document.createElement('div');
      const rim = box.children.length % 2 === 1;
      handle.className = `mark-handle ${rim ? 'rim' : 'centre'}`;
      handle.tabIndex = 0;
      handle.setAttribute('role', 'slider');
      handle.setAttribute('aria-describedby', 'h-shapes');
      handle.setAttribute('aria-keyshortcuts', 'Delete');
      box.append(handle);
    }
    const w = this._preview.width;
    const h = this._preview.height;
    const range = this._limits.patchRadius;
    indices.forEach((index, n) => {
      const shape = this._settings.area.shapes[index];
      const name = this._patchName(index);
      const [centre, rim] = [box.children[2 * n], box.children[2 * n + 1]];
      for (const handle of [centre, rim]) handle.dataset.shape = String(index);
      const [x, y] = shape.center;
      placeHandle(this._t, centre, x, y);
      centre.setAttribute('aria-label', this._t.position(name));
      centre.textContent = indices.length > 1 ? String(n + 1) : '';
      const a = (shape.angle * Math.PI) / 180;
      const r = shape.radii[0] * ppm;
      placeHandle(this._t, rim, x + (r * Math.cos(a)) / w, y + (r * Math.sin(a)) / h);
      const radius = tenths(Math.max(...shape.radii));
      rim.setAttribute('aria-label', this._t.size(name));
      rim.setAttribute('aria-valuemin', String(range.min));
      rim.setAttribute('aria-valuemax', String(range.max));
      rim.setAttribute('aria-valuenow', String(radius));
      rim.setAttribute('aria-valuetext', this._t.radiusText(formatNumber(this._t, radius)));
    });
  }

  // ---- the panel: treatment, hairline and shape controls ------------------------------------

  /** The treatment picker, the hairline section, the shapes section and the tools shown. */
  _syncTreatmentControls() {
    const settings = this._settings;
    if (!settings) return;
    const el = this._el;
    const treatment = TREATMENT[settings.treatment];
    for (const radio of el.treatmentRadios) radio.checked = radio.value === settings.treatment;
    el.treatmentHint.textContent = this._t.treatments[settings.treatment][1];

    const tools = this._availableTools();
    for (const button of el.toolButtons) {
      if (MARK_TOOLS.includes(button.dataset.tool)) button.hidden = !tools.includes(button.dataset.tool);
    }
    if (MARK_TOOLS.includes(this._tool) && !tools.includes(this._tool)) this._setTool('compare');
    el.toolGroup.dataset.count = String(3 + tools.length);

    const hairline = settings.area.hairline;
    el.hairlineBar.hidden = !(treatment.tools.includes('hairline') || hairline);
    if (hairline) this._hairlineStyle = hairline.style;
    el.hairlineStyle.value = this._hairlineStyle;
    const description = this._describe();
    // From behind the core places no hairline (its advice says why): nothing to add.
    const placeable = !description || Object.keys(description.hairlineGuesses || {}).length > 0;
    el.removeHairline.hidden = !hairline;
    el.addHairline.hidden = Boolean(hairline) || !placeable;
    el.editHairline.hidden = !hairline;
    const help = hairline ? this._t.hairlineHelp : placeable ? this._t.noHairlineHelp : '';
    if (el.hairlineHelp.textContent !== help) el.hairlineHelp.textContent = help;
    el.editHairline.setAttribute('aria-pressed', String(this._tool === 'hairline'));
    const advice = (description && description.hairlineAdvice) || '';
    if (el.hairlineAdvice.textContent !== advice) el.hairlineAdvice.textContent = advice;

    this._syncShapeList();
  }

  _syncShapeList() {
    const el = this._el;
    const settings = this._settings;
    const shapes = settings.area.shapes;
    const treatment = settings.treatment;
    const drawsShapes = TREATMENT[treatment].tools.some((tool) => SHAPE_TOOLS.includes(tool));
    el.shapesBar.hidden = !(drawsShapes || shapes.length);
    if (el.shapesBar.hidden) return;
    el.shapesTitle.textContent = this._t.shapesTitles[treatment] || this._t.shapesTitles.other;
    el.scarSizes.hidden = treatment !== 'scars';
    for (const input of el.newSizeInputs) {
      if (this.shadowRoot.activeElement !== input) input.value = String(this._newSizes[input.dataset.newSize]);
    }
    const dots = shapes.filter((s) => s.kind === 'dot').length;
    const hasPatches = shapes.some((s) => s.kind === 'patch');
    el.shapesHint.textContent = shapes.length
      ? hasPatches && TREATMENT[treatment].tools.includes('patch')
        ? this._t.shapesHints.patches
        : ''
      : (treatment !== 'patches' && this._t.shapesHints[treatment]) || '';

    // One row per strip and patch, one for all the dots; rebuilt only when the list changes.
    const rows = [];
    shapes.forEach((shape, index) => {
      if (shape.kind === 'strip') rows.push({ key: `strip${index}`, index, name: this._stripName(index), sizeKey: 'stripWidth', size: shape.width, what: 'width' });
      else if (shape.kind === 'patch') rows.push({ key: `patch${index}`, index, name: this._patchName(index), sizeKey: 'patchRadius', size: Math.max(...shape.radii), what: 'radius' });
    });
    if (dots) rows.push({ key: 'dots', name: this._t.fueDots(dots) });
    const signature = rows.map((r) => `${r.key}:${r.name}`).join('|');
    const list = el.shapeList;
    if (list.dataset.signature !== signature) {
      const focused = this.shadowRoot.activeElement;
      const hadFocus = focused && list.contains(focused);
      list.dataset.signature = signature;
      list.replaceChildren(...rows.map((row) => this._shapeRow(row)));
      if (hadFocus) {
        const buttons = list.querySelectorAll('button');
        (buttons[Math.min(this._removedRow ?? 0, buttons.length - 1)] || el.shapesTitle).focus?.();
      }
    }
    rows.forEach((row, i) => {
      const input = list.children[i].querySelector('input');
      if (input && this.shadowRoot.activeElement !== input) input.value = String(tenths(row.size));
    });
  }

  _shapeRow(row) {
    const li = document.createElement('li');
    li.className = 'shape-row';
    const name = document.createElement('span');
    name.className = 'shape-name';
    name.textContent = row.name;
    li.append(name);
    const remove = document.createElement('button');
    remove.type = 'button';
    if (row.key === 'dots') {
      li.classList.add('no-size');
      remove.textContent = this._t.removeDots;
      remove.setAttribute('aria-label', this._t.removeAllDots);
      remove.addEventListener('click', () => this._removeShapes((s) => s.kind !== 'dot', this._t.dotsRemoved));
      li.append(remove);
      return li;
    }
    const range = this._limits[row.sizeKey];
    const wrap = document.createElement('span');
    wrap.className = 'unit-input';
    const input = document.createElement('input');
    input.type = 'number';
    input.min = String(range.min);
    input.max = String(range.max);
    input.step = row.sizeKey === 'stripWidth' ? '0.5' : '1';
    input.inputMode = 'decimal';
    input.setAttribute('aria-label', this._t.sizeInMm(row.name, row.what));
    input.value = String(tenths(row.size));
    input.addEventListener('change', () => {
      const shape = this._settings.area.shapes[row.index];
      const typed = parseFloat(input.value);
      if (!shape || !Number.isFinite(typed)) {
        input.value = String(tenths(row.size));
        return;
      }
      const value = this._clampSize(row.sizeKey, typed);
      input.value = String(value);
      if (shape.kind === 'strip') {
        if (value !== shape.width) this._setShape(row.index, { ...shape, width: value }, true);
      } else if (this._resizePatch(row.index, value)) this._commit();
    });
    const unit = document.createElement('span');
    unit.setAttribute('aria-hidden', 'true');
    unit.textContent = 'mm';
    wrap.append(input, unit);
    remove.className = 'remove';
    remove.innerHTML = ICONS.remove;
    remove.title = this._t.remove(row.name);
    remove.setAttribute('aria-label', this._t.remove(row.name));
    remove.addEventListener('click', () => {
      this._removedRow = Array.from(this._el.shapeList.children).indexOf(li);
      this._removeShapes((s, i) => i !== row.index, this._t.removed(row.name));
    });
    li.append(wrap, remove);
    return li;
  }

  // ---- messages and events -------------------------------------------------------------

  _busy(on) {
    this._el.busy.classList.toggle('visible', on);
    this.toggleAttribute('busy', on);
  }

  /**
   * Reports an error thrown by a call (into the wasm module or not). A trap, or any error once
   * the module's panic flag is up, means this instance of the module is dead: it is dropped,
   * and the next photo loads a fresh one with the last settings that rendered.
   */
  _failWith(error) {
    if (this._wasm && this._wasmDead(error)) {
      this._die();
      this._fail(this._t.internalError(error && error.message ? error.message : String(error)));
      return;
    }
    this._fail(errorMessage(error, this._t));
  }

  _wasmDead(error) {
    if (typeof WebAssembly !== 'undefined' && error instanceof WebAssembly.RuntimeError) return true;
    try {
      return Boolean(this._wasm.Preview.panicked());
    } catch {
      return true;
    }
  }

  _die() {
    discardWasm(this._wasm);
    this._wasm = null;
    // The dead Preview is not freed: its object may still be borrowed by the trapped call.
    this._preview = null;
    this._describedPreview = null;
    this._description = null;
    if (this._frame) cancelAnimationFrame(this._frame);
    this._frame = 0;
    if (this._goodSettings) {
      this._settings = clone(this._goodSettings);
      this._syncControls();
    }
  }

  /** After a panic: a fresh instance of the module, for the next photo. */
  async _revive() {
    this._wasm = await loadWasm();
    if (this._pendingSettings !== undefined) {
      const pending = this._pendingSettings;
      this._pendingSettings = undefined;
      this.settings = pending;
    }
  }

  _fail(message) {
    this._el.messageText.textContent = message;
    this._el.message.classList.add('visible');
    this._emit('smp-error', { message });
  }

  _clearMessage() {
    this._el.message.classList.remove('visible');
    this._el.messageText.textContent = '';
  }

  _announce(text) {
    this._el.status.textContent = text;
  }

  _emit(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
  }
}

if (!customElements.get('smp-preview')) {
  customElements.define('smp-preview', SmpPreview);
}
