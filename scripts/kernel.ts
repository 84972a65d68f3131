// `npm run kernel`: registers the rarelab TypeScript kernel with Jupyter (see README, "JupyterLab").
import { projectRoot } from '../lib/project/root.js';
import { installKernel, KERNEL_DISPLAY_NAME } from './notebook/kernelspec.js';

const { dir, seenByJupyter } = installKernel(projectRoot());
console.log(`installed kernel "${KERNEL_DISPLAY_NAME}" in ${dir}`);
if (seenByJupyter === null) {
  console.log('jupyter is not installed; the kernel is ready for when it is (Debian: apt-get install jupyter-notebook)');
} else if (!seenByJupyter) {
  console.error(`jupyter kernelspec list does not show ${dir}; check JUPYTER_DATA_DIR / XDG_DATA_HOME`);
  process.exit(1);
}
