import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../lib/nn/index.js';
await initBackend();
console.log(tf.getBackend());
let acc1 = tf.scalar(0.9), acc2 = tf.scalar(0.999);
const diffs: string[] = [];
for (let t = 1; t <= 300; t++) {
  // after t steps: acc = beta^(t+1) as running product
  acc1 = tf.mul(acc1, 0.9); acc2 = tf.mul(acc2, 0.999);
  const p1 = tf.pow(0.9, t + 1).dataSync()[0], p2 = tf.pow(0.999, t + 1).dataSync()[0];
  const a1 = acc1.dataSync()[0], a2 = acc2.dataSync()[0];
  if (p1 !== a1 || p2 !== a2) diffs.push(`${t}:${p1 !== a1 ? 'b1' : ''}${p2 !== a2 ? 'b2' : ''}`);
}
console.log(diffs.slice(0, 40).join(' '), diffs.length);
