// The reference for EsrganReferenceTest: runs an UpscalerJS ESRGAN package's TensorFlow.js layers
// model with the pure-JavaScript CPU backend of @tensorflow/tfjs, as UpscalerJS does: the
// package's own model definition registers its custom layers and gives the pixel ranges.
// usage: node reference.js PACKAGE_DIR VARIANT SCALE INPUT.f32 HEIGHT WIDTH OUTPUT.f32
// Input and output are float32 NHWC (batch 1, RGB) in [0, 1], little-endian.
const tf = require('@tensorflow/tfjs');
const fs = require('fs');
const path = require('path');

async function main() {
  const [pkg, variant, scale, input, height, width, output] = process.argv.slice(2);
  await tf.setBackend('cpu');
  const definition = require(path.join(
      pkg, 'dist', 'cjs', 'models', 'esrgan-' + variant, 'src', 'x' + scale, 'index.js')).default;
  if (definition.setup) {
    definition.setup(tf);
  }
  const dir = path.join(pkg, 'models', 'x' + scale);
  const json = JSON.parse(fs.readFileSync(path.join(dir, 'model.json')));
  const specs = [];
  const shards = [];
  for (const group of json.weightsManifest) {
    specs.push(...group.weights);
    for (const file of group.paths) {
      shards.push(fs.readFileSync(path.join(dir, file)));
    }
  }
  const weights = Buffer.concat(shards);
  const model = await tf.loadLayersModel(tf.io.fromMemory({
    modelTopology: json.modelTopology,
    weightSpecs: specs,
    weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength),
  }));
  const bytes = fs.readFileSync(input);
  const values = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
  const [inLow, inHigh] = definition.inputRange;
  const [outLow, outHigh] = definition.outputRange;
  const x = tf.tensor4d(values, [1, Number(height), Number(width), 3]).mul(inHigh - inLow).add(inLow);
  const y = model.predict(x).clipByValue(outLow, outHigh).sub(outLow).div(outHigh - outLow);
  const data = await y.data();
  fs.writeFileSync(output, Buffer.from(data.buffer, data.byteOffset, data.byteLength));
  console.log(JSON.stringify({shape: y.shape, inputRange: definition.inputRange}));
}

main().catch((e) => {
  console.error(e.stack || String(e));
  process.exit(1);
});
