#!/usr/bin/env python3
"""Heavy-atom PDBs of ACE-ALA-NME and VGVAPG from ideal internal coordinates (NeRF placement).

Hydrogens are left to `gmx pdb2gmx`, which places them from the force field's .hdb rules; the
geometry only has to be sane enough for pdb2gmx and the minimiser. Bond lengths and angles are the
Engh & Huber (1991) averages; backbone torsions are an extended (beta) conformation, omega = 180.

Usage: python3 build_peptides.py OUTDIR   -> OUTDIR/ace-ala-nme.pdb, OUTDIR/vgvapg.pdb, OUTDIR/ace-vgvapg-nme.pdb
(the last is VGVAPG with neutral ACE/NME caps instead of charged termini)
"""
import math
import sys


def sub(a, b):
    return [a[0] - b[0], a[1] - b[1], a[2] - b[2]]


def cross(a, b):
    return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]]


def unit(a):
    n = math.sqrt(a[0] ** 2 + a[1] ** 2 + a[2] ** 2)
    return [a[0] / n, a[1] / n, a[2] / n]


def dot(a, b):
    return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]


def place(a, b, c, bond, angle, torsion):
    """Position of D bonded to C with |CD| = bond, angle BCD = angle, dihedral ABCD = torsion (deg)."""
    ang, tor = math.radians(angle), math.radians(torsion)
    bc = unit(sub(c, b))
    n = unit(cross(sub(b, a), bc))
    m = cross(n, bc)
    d2 = [-bond * math.cos(ang), bond * math.sin(ang) * math.cos(tor), bond * math.sin(ang) * math.sin(tor)]
    return [c[k] + d2[0] * bc[k] + d2[1] * m[k] + d2[2] * n[k] for k in range(3)]


# Residue templates: side-chain atoms placed from (ref1, ref2, ref3, bond, angle, torsion).
SIDE = {
    'ALA': [],
    'GLY': [],
    'VAL': [('CG1', 'N', 'CA', 'CB', 1.527, 110.7, 180.0), ('CG2', 'N', 'CA', 'CB', 1.527, 110.4, -60.0)],
    'PRO': [('CG', 'N', 'CA', 'CB', 1.495, 104.5, 30.0), ('CD', 'CA', 'CB', 'CG', 1.507, 105.5, -35.0)],
}


def build(sequence, phi=-120.0, psi=130.0):
    """sequence: residue names; ACE / NME caps allowed at the ends. Returns [(resname, resid, atom, xyz)]."""
    atoms = []  # (resname, resid, name, xyz)
    pos = {}  # (resid, name) -> xyz
    # backbone chain N, CA, C per residue (ACE: CH3, C; NME: N, CH3)
    chain = []
    for r, name in enumerate(sequence, start=1):
        if name == 'ACE':
            chain += [(r, 'CH3'), (r, 'C')]
        elif name == 'NME':
            chain += [(r, 'N'), (r, 'CH3')]
        else:
            chain += [(r, 'N'), (r, 'CA'), (r, 'C')]
    kind = lambda n: {'CH3': 'CA'}.get(n, n)
    bond = {('N', 'CA'): 1.458, ('CA', 'C'): 1.525, ('C', 'N'): 1.329}
    angle = {('N', 'CA', 'C'): 111.2, ('CA', 'C', 'N'): 116.2, ('C', 'N', 'CA'): 121.7}
    tors = {('C', 'N', 'CA', 'C'): phi, ('N', 'CA', 'C', 'N'): psi, ('CA', 'C', 'N', 'CA'): 180.0}
    xyz = [[0.0, 0.0, 0.0]]
    k0, k1 = kind(chain[0][1]), kind(chain[1][1])
    xyz.append([bond.get((k0, k1)) or bond[(k1, k0)], 0.0, 0.0])
    k2 = kind(chain[2][1])
    a = math.radians(angle[(k0, k1, k2)])
    b12 = bond.get((k1, k2)) or bond[(k2, k1)]
    xyz.append([xyz[1][0] - b12 * math.cos(a), b12 * math.sin(a), 0.0])
    for i in range(3, len(chain)):
        ks = tuple(kind(chain[j][1]) for j in range(i - 3, i + 1))
        t = tors[ks]
        if ks == ('C', 'N', 'CA', 'C') and sequence[chain[i - 1][0] - 1] == 'PRO':
            t = -65.0  # the pyrrolidine ring holds proline's phi near -65
        xyz.append(place(xyz[i - 3], xyz[i - 2], xyz[i - 1], bond[ks[2:]], angle[ks[1:]], t))
    for (r, n), p in zip(chain, xyz):
        pos[(r, n)] = p
    # carbonyl O: in the peptide plane, trans to the next N about the CA-C axis
    for r, name in enumerate(sequence, start=1):
        if name == 'NME':
            continue
        ca = pos[(r, 'CH3' if name == 'ACE' else 'CA')]
        c = pos[(r, 'C')]
        if (r + 1, 'N') in pos:
            pos[(r, 'O')] = place(pos[(r + 1, 'N')], ca, c, 1.231, 120.8, 180.0)
        else:  # C terminus: O opposite to N of this residue (pdb2gmx adds OXT)
            pos[(r, 'O')] = place(pos[(r, 'N')], ca, c, 1.231, 120.8, 180.0 - psi)
    # side chains: CB with L chirality, (N-CA).((C-CA)x(CB-CA)) > 0
    for r, name in enumerate(sequence, start=1):
        if name in ('ACE', 'NME', 'GLY'):
            continue
        n, ca, c = pos[(r, 'N')], pos[(r, 'CA')], pos[(r, 'C')]
        for t in (122.6, -122.6):
            cb = place(c, n, ca, 1.530, 110.5, t)
            if dot(sub(n, ca), cross(sub(c, ca), sub(cb, ca))) > 0:
                break
        pos[(r, 'CB')] = cb
        for (an, r1, r2, r3, bl, ag, tr) in SIDE[name]:
            pos[(r, an)] = place(pos[(r, r1)], pos[(r, r2)], pos[(r, r3)], bl, ag, tr)
    order = {
        'ACE': ['CH3', 'C', 'O'], 'NME': ['N', 'CH3'], 'ALA': ['N', 'CA', 'C', 'O', 'CB'], 'GLY': ['N', 'CA', 'C', 'O'],
        'VAL': ['N', 'CA', 'C', 'O', 'CB', 'CG1', 'CG2'], 'PRO': ['N', 'CA', 'C', 'O', 'CB', 'CG', 'CD'],
    }
    for r, name in enumerate(sequence, start=1):
        for an in order[name]:
            atoms.append((name, r, an, pos[(r, an)]))
    return atoms


def write_pdb(path, atoms, title):
    with open(path, 'w') as f:
        f.write(f'TITLE     {title}\n')
        for i, (res, r, an, p) in enumerate(atoms, start=1):
            nm = an if len(an) == 4 else ' ' + an
            f.write('ATOM  %5d %-4s %3s A%4d    %8.3f%8.3f%8.3f  1.00  0.00          %2s\n'
                    % (i, nm, res, r, p[0], p[1], p[2], an[0]))
        f.write('TER\nEND\n')


if __name__ == '__main__':
    out = sys.argv[1] if len(sys.argv) > 1 else '.'
    write_pdb(f'{out}/ace-ala-nme.pdb', build(['ACE', 'ALA', 'NME']), 'ACE-ALA-NME heavy atoms, ideal geometry')
    atoms = build(['VAL', 'GLY', 'VAL', 'ALA', 'PRO', 'GLY'])
    cd = [p for (res, r, an, p) in atoms if res == 'PRO' and an == 'CD'][0]
    n = [p for (res, r, an, p) in atoms if res == 'PRO' and an == 'N'][0]
    print('PRO CD-N distance (A):', round(math.dist(cd, n), 3), file=sys.stderr)
    write_pdb(f'{out}/vgvapg.pdb', atoms, 'VGVAPG heavy atoms, ideal geometry')
    capped = build(['ACE', 'VAL', 'GLY', 'VAL', 'ALA', 'PRO', 'GLY', 'NME'])
    write_pdb(f'{out}/ace-vgvapg-nme.pdb', capped, 'ACE-VGVAPG-NME heavy atoms, ideal geometry')
