#!/usr/bin/env bash
# Regenerates everything in data/ that comes from GROMACS and OpenMM:
#   forcefields/amber99sb-ildn.ff/   copied from the GROMACS installation (LGPL data files)
#   <system>/input-heavy.pdb         heavy-atom PDB from build_peptides.py (ideal geometry)
#   <system>/topol.top, posre.itp    gmx pdb2gmx -ff amber99sb-ildn -water none
#   <system>/topol.pp.top            the same topology as one file (gmx grompp -pp)
#   <system>/minimised.gro/.pdb      vacuum minimisation (gmx_d: steepest descent, then L-BFGS)
#   <system>/frames.gro              minimised + perturbed structures (make_reference.py frames)
#   <system>/reference.json          per-term energies: GROMACS (gmx_d and gmx mdrun -rerun, gmx energy)
#                                    and OpenMM (GromacsTopFile, NoCutoff, Reference platform), mdtraj phi/psi
# Needs Debian's gromacs (2022), python3-simtk (OpenMM 7.7) and python3-mdtraj.
# Usage: bash data/make-reference.sh [SYSTEM...]   (from anywhere; about a minute for all three)
#        SYSTEM: alanine-dipeptide, vgvapg, vgvapg-capped (default: all)
set -euo pipefail
cd "$(dirname "$0")"
DATA=$PWD
PY=${PY:-/usr/bin/python3}
TOP=${GMXTOP:-/usr/share/gromacs/top}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
export GMX_MAXBACKUP=-1   # overwrite instead of writing #backup# files

mkdir -p forcefields/amber99sb-ildn.ff
for f in forcefield.itp ffnonbonded.itp ffbonded.itp forcefield.doc; do
  cp "$TOP/amber99sb-ildn.ff/$f" forcefields/amber99sb-ildn.ff/
done
# grompp resolves #include "amber99sb-ildn.ff/forcefield.itp" through GMXLIB: use the shipped copy
export GMXLIB=$DATA/forcefields

"$PY" build_peptides.py "$WORK"
cat mdp/vacuum-common.mdp mdp/minim-steep.mdp > "$WORK/steep.mdp"
cat mdp/vacuum-common.mdp mdp/minim-lbfgs.mdp > "$WORK/lbfgs.mdp"
cat mdp/vacuum-common.mdp mdp/rerun.mdp > "$WORK/rerun.mdp"

build() {
  local name=$1 pdb=$2
  local D=$DATA/$name W=$WORK/$name
  mkdir -p "$D" "$W"
  cp "$WORK/$pdb" "$D/input-heavy.pdb"
  # pdb2gmx needs the residue databases (.rtp/.hdb/.tdb), which are not shipped: use GROMACS's own
  (cd "$D" && GMXLIB=$TOP gmx pdb2gmx -f input-heavy.pdb -o "$W/pdb2gmx.gro" -p topol.top -i posre.itp \
      -ff amber99sb-ildn -water none)
  gmx editconf -f "$W/pdb2gmx.gro" -o "$W/boxed.gro" -box 12 12 12 -c
  gmx_d grompp -f "$WORK/steep.mdp" -c "$W/boxed.gro" -p "$D/topol.top" -o "$W/steep.tpr" -po "$W/mdout.mdp" -pp "$D/topol.pp.top"
  gmx_d mdrun -nt 1 -s "$W/steep.tpr" -deffnm "$W/steep" -c "$W/steep.g96"
  gmx_d grompp -f "$WORK/lbfgs.mdp" -c "$W/steep.g96" -p "$D/topol.top" -o "$W/lbfgs.tpr" -po "$W/mdout.mdp" -maxwarn 1  # the one warning: "for efficient BFGS use switch/shift/pme instead of cut-off"
  gmx_d mdrun -nt 1 -s "$W/lbfgs.tpr" -deffnm "$W/lbfgs" -c "$W/lbfgs.g96"
  "$PY" make_reference.py g96togro "$W/lbfgs.g96" "$W/boxed.gro" "$D/minimised.gro"
  gmx_d editconf -f "$W/lbfgs.g96" -o "$D/minimised.pdb"
  "$PY" make_reference.py frames "$D"
  for prec in gmx_d gmx; do
    $prec grompp -f "$WORK/rerun.mdp" -c "$D/minimised.gro" -p "$D/topol.top" -o "$W/rerun-$prec.tpr" -po "$W/mdout.mdp"
    $prec mdrun -nt 1 -s "$W/rerun-$prec.tpr" -rerun "$D/frames.gro" -e "$W/rerun-$prec.edr" -g "$W/rerun-$prec.log"
    printf 'Bond\nAngle\nProper-Dih.\nPer.-Imp.-Dih.\nLJ-14\nCoulomb-14\nLJ-(SR)\nCoulomb-(SR)\nPotential\n\n' \
      | $prec energy -dp -f "$W/rerun-$prec.edr" -o "$W/energy-$prec.xvg"
  done
  "$PY" make_reference.py reference "$D" "$W/energy-gmx_d.xvg" "$W/energy-gmx.xvg"
}

declare -A PDB=([alanine-dipeptide]=ace-ala-nme.pdb [vgvapg]=vgvapg.pdb [vgvapg-capped]=ace-vgvapg-nme.pdb)
SYSTEMS=("$@")
[ ${#SYSTEMS[@]} -eq 0 ] && SYSTEMS=(alanine-dipeptide vgvapg vgvapg-capped)
for s in "${SYSTEMS[@]}"; do
  [ -n "${PDB[$s]:-}" ] || { echo "make-reference.sh: unknown system $s (known: ${!PDB[*]})" >&2; exit 1; }
  build "$s" "${PDB[$s]}"
  if [ "$s" = alanine-dipeptide ]; then "$PY" make_reference.py dcd "$DATA/alanine-dipeptide"; fi
done
