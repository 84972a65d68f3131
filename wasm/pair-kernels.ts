// AssemblyScript source of the real-space pair kernel of lib/forcefield/periodic.ts (PeriodicForceField),
// loaded by lib/forcefield/pair-kernel.ts. Built by `npm run build:wasm` (scripts/build-wasm-pair.ts) into
// lib/forcefield/pair-kernels.wasm and its base64 twin pair-kernels.wasm.ts; both are committed.
//
// The same arithmetic as PeriodicForceField's JavaScript kernel (which stays as the fallback where
// WebAssembly SIMD is missing): over the records of the neighbour list (an atom i, a lattice shift S,
// partners j), for r = |x_i - S - x_j| < r_c, Lennard-Jones C12/r^12 - C6/r^6 and the Ewald real-space
// term ke q_i q_j erfc(alpha r)/r, erfc read from the cubic table (4 coefficients per interval of width
// 1/invH). Two partners at a time in f64x2 lanes (why: the scalar kernel, in JavaScript or in
// WebAssembly alike, measured 10 ms per evaluation on alanine dipeptide + 543 TIP3P, this one 6.8 ms);
// gathers and scatters stay scalar. A lane beyond the cut-off computes with r^2 := r_c^2 (in range of
// the table) and is masked off. Everything in this module's linear memory at byte addresses the caller
// allocates; f64 arrays of 3 per atom; no allocation here.

@inline function ld(p: usize): f64 { return load<f64>(p); }
/**
 * Adds the real-space forces of all records into f and writes [E_LJ, E_real, sum C12, sum C6, sum ke q q]
 * over the pairs within the cut-off to out (5 f64). Returns -1, or the index p into `pairs` of a pair
 * closer than sqrt(minR2) (the caller reports the overlap; forces are then incomplete).
 */
export function realSpace(nRec: i32, recAtom: usize, recShift: usize, recStart: usize, pairs: usize,
  x: usize, f: usize, typeOf: usize, nt: i32, C6: usize, C12: usize, qk: usize, q: usize,
  tab: usize, invH: f64, rc2: f64, minR2: f64, kmax: i32, out: usize): i32 {
  let eLj = f64x2.splat(0), eReal = f64x2.splat(0), sC12 = f64x2.splat(0), sC6 = f64x2.splat(0), sQQ = f64x2.splat(0);
  const vrc2 = f64x2.splat(rc2), vmin = f64x2.splat(minR2), one = f64x2.splat(1), vinvH = f64x2.splat(invH);
  const two = f64x2.splat(2), three = f64x2.splat(3), six = f64x2.splat(6), twelve = f64x2.splat(12);
  for (let r = 0; r < nRec; r++) {
    const i = load<i32>(recAtom + (<usize>r << 2));
    const oi = x + <usize>i * 24, sh = recShift + <usize>r * 24;
    const xi = f64x2.splat(ld(oi) - ld(sh)), yi = f64x2.splat(ld(oi + 8) - ld(sh + 8)), zi = f64x2.splat(ld(oi + 16) - ld(sh + 16));
    const ti = load<i32>(typeOf + (<usize>i << 2)) * nt;
    const qi = f64x2.splat(ld(qk + (<usize>i << 3)));
    let fx = f64x2.splat(0), fy = f64x2.splat(0), fz = f64x2.splat(0);
    const p1 = load<i32>(recStart + (<usize>(r + 1) << 2));
    for (let p = load<i32>(recStart + (<usize>r << 2)); p < p1; p += 2) {
      const j0 = load<i32>(pairs + (<usize>p << 2));
      const has1 = p + 1 < p1;
      const j1 = has1 ? load<i32>(pairs + (<usize>(p + 1) << 2)) : j0;
      const o0 = x + <usize>j0 * 24, o1 = x + <usize>j1 * 24;
      const dx = f64x2.sub(xi, f64x2(ld(o0), ld(o1))), dy = f64x2.sub(yi, f64x2(ld(o0 + 8), ld(o1 + 8))), dz = f64x2.sub(zi, f64x2(ld(o0 + 16), ld(o1 + 16)));
      let r2 = f64x2.add(f64x2.add(f64x2.mul(dx, dx), f64x2.mul(dy, dy)), f64x2.mul(dz, dz));
      if (!has1) r2 = f64x2.replace_lane(r2, 1, 4.0 * rc2);
      let mask = f64x2.lt(r2, vrc2);
      if (!v128.any_true(mask)) continue;
      if (v128.any_true(f64x2.lt(r2, vmin))) return f64x2.extract_lane(r2, 0) < minR2 ? p : p + 1;
      // outside lanes: r2 := rc2 keeps the table index in range; their results are masked off
      r2 = v128.bitselect(r2, vrc2, mask);
      const ir2 = f64x2.div(one, r2), ir = f64x2.sqrt(ir2);
      const u = f64x2.mul(f64x2.mul(r2, ir), vinvH);
      const kv = i32x4.trunc_sat_f64x2_s_zero(u);
      let k0 = i32x4.extract_lane(kv, 0), k1 = i32x4.extract_lane(kv, 1);
      if (k0 > kmax) k0 = kmax;
      if (k1 > kmax) k1 = kmax;
      const t = f64x2.sub(u, f64x2.convert_low_i32x4_s(kv));
      const c0p = tab + (<usize>k0 << 5), c1p = tab + (<usize>k1 << 5);
      const a0 = f64x2(ld(c0p), ld(c1p)), a1 = f64x2(ld(c0p + 8), ld(c1p + 8)), a2 = f64x2(ld(c0p + 16), ld(c1p + 16)), a3 = f64x2(ld(c0p + 24), ld(c1p + 24));
      const g = f64x2.add(a0, f64x2.mul(t, f64x2.add(a1, f64x2.mul(t, f64x2.add(a2, f64x2.mul(t, a3))))));
      const dg = f64x2.mul(f64x2.add(a1, f64x2.mul(t, f64x2.add(f64x2.mul(two, a2), f64x2.mul(f64x2.mul(three, t), a3)))), vinvH);
      const qq = f64x2.mul(qi, f64x2(ld(q + (<usize>j0 << 3)), ld(q + (<usize>j1 << 3))));
      const tt0 = load<i32>(typeOf + (<usize>j0 << 2)) + ti, tt1 = load<i32>(typeOf + (<usize>j1 << 2)) + ti;
      const c12 = f64x2(ld(C12 + (<usize>tt0 << 3)), ld(C12 + (<usize>tt1 << 3))), c6 = f64x2(ld(C6 + (<usize>tt0 << 3)), ld(C6 + (<usize>tt1 << 3)));
      const ir6 = f64x2.mul(f64x2.mul(ir2, ir2), ir2);
      const v6 = f64x2.mul(c6, ir6), v12 = f64x2.mul(f64x2.mul(c12, ir6), ir6);
      const gir = f64x2.mul(g, ir);
      let s = f64x2.add(f64x2.mul(f64x2.sub(f64x2.mul(twelve, v12), f64x2.mul(six, v6)), ir2), f64x2.mul(f64x2.mul(qq, f64x2.sub(gir, dg)), ir2));
      s = v128.and(s, mask);
      eLj = f64x2.add(eLj, v128.and(f64x2.sub(v12, v6), mask));
      eReal = f64x2.add(eReal, v128.and(f64x2.mul(qq, gir), mask));
      sC12 = f64x2.add(sC12, v128.and(c12, mask));
      sC6 = f64x2.add(sC6, v128.and(c6, mask));
      sQQ = f64x2.add(sQQ, v128.and(qq, mask));
      const sx = f64x2.mul(s, dx), sy = f64x2.mul(s, dy), sz = f64x2.mul(s, dz);
      fx = f64x2.add(fx, sx); fy = f64x2.add(fy, sy); fz = f64x2.add(fz, sz);
      const f0 = f + <usize>j0 * 24;
      store<f64>(f0, ld(f0) - f64x2.extract_lane(sx, 0));
      store<f64>(f0 + 8, ld(f0 + 8) - f64x2.extract_lane(sy, 0));
      store<f64>(f0 + 16, ld(f0 + 16) - f64x2.extract_lane(sz, 0));
      if (has1) {
        const f1 = f + <usize>j1 * 24;
        store<f64>(f1, ld(f1) - f64x2.extract_lane(sx, 1));
        store<f64>(f1 + 8, ld(f1 + 8) - f64x2.extract_lane(sy, 1));
        store<f64>(f1 + 16, ld(f1 + 16) - f64x2.extract_lane(sz, 1));
      }
    }
    const fi = f + <usize>i * 24;
    store<f64>(fi, ld(fi) + f64x2.extract_lane(fx, 0) + f64x2.extract_lane(fx, 1));
    store<f64>(fi + 8, ld(fi + 8) + f64x2.extract_lane(fy, 0) + f64x2.extract_lane(fy, 1));
    store<f64>(fi + 16, ld(fi + 16) + f64x2.extract_lane(fz, 0) + f64x2.extract_lane(fz, 1));
  }
  store<f64>(out, f64x2.extract_lane(eLj, 0) + f64x2.extract_lane(eLj, 1));
  store<f64>(out + 8, f64x2.extract_lane(eReal, 0) + f64x2.extract_lane(eReal, 1));
  store<f64>(out + 16, f64x2.extract_lane(sC12, 0) + f64x2.extract_lane(sC12, 1));
  store<f64>(out + 24, f64x2.extract_lane(sC6, 0) + f64x2.extract_lane(sC6, 1));
  store<f64>(out + 32, f64x2.extract_lane(sQQ, 0) + f64x2.extract_lane(sQQ, 1));
  return -1;
}
export function heapBase(): usize { return __heap_base; }
