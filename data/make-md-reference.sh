#!/usr/bin/env bash
# GROMACS Langevin reference ensemble for alanine dipeptide in vacuum at 300 K, written to
# alanine-dipeptide/langevin-300K.json: mean potential energy and temperature (with block standard
# errors), C7eq / C5 / C7ax populations and the (phi, psi) histogram of a 20 ns `sd` run (mdp/sd-300K.mdp
# after mdp/vacuum-common.mdp). The notebook notebooks/peptide-md.ipynb compares rarelab's BAOAB
# ensemble with it. Needs Debian's gromacs and python3-mdtraj. About 2-3 minutes on one core.
# Usage: bash data/make-md-reference.sh
set -euo pipefail
cd "$(dirname "$0")"
DATA=$PWD
PY=${PY:-/usr/bin/python3}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
export GMX_MAXBACKUP=-1
export GMXLIB=$DATA/forcefields
D=$DATA/alanine-dipeptide
grep -v '^constraints' mdp/vacuum-common.mdp > "$WORK/run.mdp"
cat mdp/sd-300K.mdp >> "$WORK/run.mdp"
gmx grompp -f "$WORK/run.mdp" -c "$D/minimised.gro" -p "$D/topol.top" -o "$WORK/sd.tpr" -po "$WORK/mdout.mdp"
gmx mdrun -nt 1 -s "$WORK/sd.tpr" -deffnm "$WORK/sd"
printf 'Potential\nTemperature\n\n' | gmx energy -f "$WORK/sd.edr" -o "$WORK/energy.xvg"
"$PY" md_reference.py "$D" "$WORK/sd.xtc" "$WORK/energy.xvg" "$WORK/sd.log"
