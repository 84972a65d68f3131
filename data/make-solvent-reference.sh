#!/bin/bash
# Builds the explicit-solvent test systems and their OpenMM reference energies (see data/README.md,
# "Explicit solvent"). Needs Debian's gromacs (gmx solvate) and python3-simtk (OpenMM 7.7).
set -euo pipefail
D=$(cd "$(dirname "$0")" && pwd)
export GMXLIB=$D/forcefields
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT

# --- tip3p-box: 348 TIP3P waters in a 2.2 nm cube (SPC-geometry waters from GROMACS's spc216.gro)
mkdir -p "$D/tip3p-box"
printf '#include "amber99sb-ildn.ff/forcefield.itp"\n#include "amber99sb-ildn.ff/tip3p.itp"\n\n[ system ]\nTIP3P water box\n\n[ molecules ]\n' > "$W/water.top"
(cd "$W" && gmx solvate -cs spc216.gro -box 2.2 2.2 2.2 -o water.gro -p water.top)
cp "$W/water.gro" "$D/tip3p-box/conf.gro"
cp "$W/water.top" "$D/tip3p-box/topol.top"
/usr/bin/python3 "$D/solvent_reference.py" frames "$D/tip3p-box" 0.005 0.02
/usr/bin/python3 "$D/solvent_reference.py" reference "$D/tip3p-box" 2
