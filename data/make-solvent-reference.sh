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
/usr/bin/python3 "$D/solvent_reference.py" frames "$D/tip3p-box" conf.gro 0.005 0.02
/usr/bin/python3 "$D/solvent_reference.py" reference "$D/tip3p-box" 2
/usr/bin/python3 "$D/solvent_reference.py" shift "$D/tip3p-box"

# --- tip3p-nacl: the same box with two waters replaced by Na+ and Cl- (gmx genion, seed 1)
mkdir -p "$D/tip3p-nacl"
printf 'integrator = steep\ncutoff-scheme = Verlet\ncoulombtype = PME\nrcoulomb = 1.0\nrvdw = 1.0\n' > "$W/ions.mdp"
printf '#include "amber99sb-ildn.ff/ions.itp"\n' > "$W/ions.itp"
sed '/\[ system \]/e cat '"$W"'/ions.itp' "$D/tip3p-box/topol.top" > "$W/nacl.top"
(cd "$W" && gmx grompp -f ions.mdp -c water.gro -p nacl.top -o ions.tpr -po mdout.mdp \
   && echo SOL | gmx genion -s ions.tpr -p nacl.top -o nacl.gro -pname NA -nname CL -np 1 -nn 1 -seed 1)
cp "$W/nacl.gro" "$D/tip3p-nacl/conf.gro"
cp "$W/nacl.top" "$D/tip3p-nacl/topol.top"
/usr/bin/python3 "$D/solvent_reference.py" frames "$D/tip3p-nacl" conf.gro 0.005
/usr/bin/python3 "$D/solvent_reference.py" reference "$D/tip3p-nacl" 1

# --- tip3p-na: one water replaced by Na+ only (net charge +1 e), to pin how PME treats a charged box
mkdir -p "$D/tip3p-na"
sed '/\[ system \]/e cat '"$W"'/ions.itp' "$D/tip3p-box/topol.top" > "$W/na.top"
(cd "$W" && echo SOL | gmx genion -s ions.tpr -p na.top -o na.gro -pname NA -np 1 -nn 0 -seed 1)
cp "$W/na.gro" "$D/tip3p-na/conf.gro"
cp "$W/na.top" "$D/tip3p-na/topol.top"
/usr/bin/python3 "$D/solvent_reference.py" frames "$D/tip3p-na" conf.gro
/usr/bin/python3 "$D/solvent_reference.py" reference "$D/tip3p-na" 1

# --- alanine-dipeptide-tip3p: the vacuum-minimised dipeptide centred in a 2.56 nm cube, which
# gmx solvate fills with exactly 543 waters (the AIMMD paper's count)
mkdir -p "$D/alanine-dipeptide-tip3p"
sed '/\[ system \]/i #include "amber99sb-ildn.ff/tip3p.itp"\n' "$D/alanine-dipeptide/topol.top" > "$W/ad.top"
gmx editconf -f "$D/alanine-dipeptide/minimised.gro" -o "$W/ad-box.gro" -box 2.56 2.56 2.56 -c
(cd "$W" && gmx solvate -cp ad-box.gro -cs spc216.gro -o ad-solv.gro -p ad.top)
cp "$W/ad-solv.gro" "$D/alanine-dipeptide-tip3p/conf.gro"
cp "$W/ad.top" "$D/alanine-dipeptide-tip3p/topol.top"
cp "$D/alanine-dipeptide/posre.itp" "$D/alanine-dipeptide-tip3p/posre.itp"
# minimised and equilibrated with OpenMM (mdrun needs rdtscp): 20 ps NPT (300 K, 1 bar) + 10 ps NVT
/usr/bin/python3 "$D/equilibrate_solvent.py" "$D/alanine-dipeptide-tip3p" 20 10
/usr/bin/python3 "$D/solvent_reference.py" frames "$D/alanine-dipeptide-tip3p" equilibrated.gro 0.005 0.02
/usr/bin/python3 "$D/solvent_reference.py" reference "$D/alanine-dipeptide-tip3p" 2
/usr/bin/python3 "$D/solvent_reference.py" shift "$D/alanine-dipeptide-tip3p"

# --- licl-1m: the AIMMD paper's 1 M LiCl (37 Li+, 37 Cl-, 2104 TIP3P) with Joung-Cheatham ions
# (data/licl-1m/ions-jc-tip3p.itp; GROMACS's amber99sb-ildn ions.itp has parm99 Li/Cl instead). gmx
# solvate fills a 4.05 nm cube with 2178 waters (-maxsol), genion replaces 74 of them by ions.
mkdir -p "$D/licl-1m"
cp "$D/licl-1m/ions-jc-tip3p.itp" "$W/"
printf '#include "amber99sb-ildn.ff/forcefield.itp"\n#include "ions-jc-tip3p.itp"\n#include "amber99sb-ildn.ff/tip3p.itp"\n\n[ system ]\n1 M LiCl in TIP3P water (Joung-Cheatham ions)\n\n[ molecules ]\n' > "$W/licl.top"
(cd "$W" && gmx solvate -cs spc216.gro -box 4.05 4.05 4.05 -maxsol 2178 -o licl-water.gro -p licl.top \
   && gmx grompp -f ions.mdp -c licl-water.gro -p licl.top -o licl-ions.tpr -po mdout.mdp \
   && echo SOL | gmx genion -s licl-ions.tpr -p licl.top -o licl.gro -pname LI -nname CL -np 37 -nn 37 -seed 1)
cp "$W/licl.gro" "$D/licl-1m/conf.gro"
cp "$W/licl.top" "$D/licl-1m/topol.top"
# minimised and equilibrated with OpenMM (CPU platform, 1 thread): 20 ps NPT (300 K, 1 bar) + 10 ps NVT
/usr/bin/python3 "$D/equilibrate_solvent.py" "$D/licl-1m" 20 10 1
/usr/bin/python3 "$D/solvent_reference.py" frames "$D/licl-1m" equilibrated.gro 0.005 0.02
/usr/bin/python3 "$D/solvent_reference.py" reference "$D/licl-1m" 2
