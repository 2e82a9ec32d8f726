"""Feasibility probe for the hallmark misses: how many modules a reader gets
wrong when it is handed a synthetic code's true placement (the manifest's
`corners`) and the generator's blur kernel (non-blind), and fits every
pixel at once by least squares (module darkness in [0, 1], light and
contrast as smooth polynomials over the code) instead of one sample per
module as `core/src/scan/equalize.rs` does.

    python3 scan-bench/probes/deconvolve.py hallmark-034 /tmp/synth [degree]

Needs numpy, scipy and Pillow (not installed by CI: this is a measuring
tool, not a test). The code's true modules come from the `debug_oracle`
test in `core/src/scan/debug_tools.rs`, which also prints what the
equalizer gets wrong at the same placement. Results: scan-bench/RESULTS.md.
"""
import json, os, re, subprocess, sys
import numpy as np
from PIL import Image
from scipy import sparse
from scipy.optimize import lsq_linear

name, d = sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else '/tmp/synth'
m = json.load(open(f'{d}/manifest.json'))
e = [i for i in m['images'] if i['file'].startswith(name)][0]
root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
env = dict(os.environ,
           TM_DEBUG_IMAGE=os.path.join(d, e['file']),
           TM_DEBUG_CORNERS=' '.join(f'{x},{y}' for x, y in e['corners'][-1]),
           TM_DEBUG_TRUTH=e['expected'][-1],
           TM_DEBUG_CURVE=next((c[7:] for c in e['conditions'] if c.startswith('curved-')), '0'),
           TM_DEBUG_DUMP='1')
out = subprocess.run(['cargo', 'test', '-q', '--release', '-p', 'touchmark', '--lib', 'debug_oracle',
                      '--', '--ignored', '--nocapture'], cwd=root, env=env, capture_output=True, text=True).stdout
for line in out.splitlines():
    if 'equalized rounds' in line:
        print('equalizer at the true placement:', line.strip())
tl = [l for l in out.splitlines() if l.startswith('truth')][0].split()
n, truth = int(tl[1]), np.array([c == '1' for c in tl[2]]).reshape(int(tl[1]), int(tl[1]))
img = np.asarray(Image.open(f"{d}/{e['file']}").convert('L'), dtype=np.float64)
H_, W_ = img.shape
cond = e['conditions']
inv = 'inverted' in cond
curve = float(next((c[7:] for c in cond if c.startswith('curved-')), 0))
# Homography module coords (0..n) -> pixels, from the code corners.
c = np.array(e['corners'][-1])
src = np.array([[0, 0], [n, 0], [n, n], [0, n]], float)
A = []; b = []
for (x, y), (X, Y) in zip(src, c):
    A.append([x, y, 1, 0, 0, 0, -X * x, -X * y]); b.append(X)
    A.append([0, 0, 0, x, y, 1, -Y * x, -Y * y]); b.append(Y)
Hm = np.append(np.linalg.solve(np.array(A), np.array(b)), 1).reshape(3, 3)
Hi = np.linalg.inv(Hm)
total = n + 8
# Pixels: bounding box of the quiet-zone quad.
def to_px(u, v):
    p = Hm @ np.array([u, v, np.ones_like(u)]); return p[0] / p[2], p[1] / p[2]
qx, qy = to_px(np.array([-4, n + 4, n + 4, -4.]), np.array([-4, -4, n + 4, n + 4.]))
x0, x1 = int(max(qx.min() - 2, 0)), int(min(qx.max() + 3, W_))
y0, y1 = int(max(qy.min() - 2, 0)), int(min(qy.max() + 3, H_))
ys, xs = np.mgrid[y0:y1, x0:x1]
P = xs.size
# Coverage of padded cells (-4..n+4) per pixel, 3x3 supersampling as drawn.
rows, cols, vals = [], [], []
inside_q = np.zeros(P, bool)
for sy in range(3):
    for sx in range(3):
        px = xs.ravel() + (sx + 0.5) / 3 - 0.5; py = ys.ravel() + (sy + 0.5) / 3 - 0.5
        q = Hi @ np.array([px, py, np.ones_like(px)]); u, v = q[0] / q[2], q[1] / q[2]
        # bulge: drawn module at u' = u + bulge(v) (generator adds it in square coords)
        u = u + curve * (1 - (2 * (v + 4) / total - 1) ** 2)
        ok = (u >= -4) & (u < n + 4) & (v >= -4) & (v < n + 4)
        inside_q |= ok
        cu, cv = np.floor(u[ok]).astype(int) + 4, np.floor(v[ok]).astype(int) + 4
        rows.append(np.nonzero(ok)[0]); cols.append(cv * total + cu); vals.append(np.full(ok.sum(), 1 / 9))
R = sparse.csr_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=(P, total * total))
# Blur operator on the box.
h, w = y1 - y0, x1 - x0
def box1d(N, r):
    if r == 0: return sparse.identity(N, format='csr')
    i, j, v = [], [], []
    for a in range(N):
        lo, hi = max(a - r, 0), min(a + r, N - 1)
        for k in range(lo, hi + 1): i.append(a); j.append(k); v.append(1 / (hi - lo + 1))
    return sparse.csr_matrix((v, (i, j)), shape=(N, N))
B = sparse.identity(P, format='csr')
for cnd in cond:
    if cnd.startswith('blur-'):
        r = int(cnd[5:]); Bx = box1d(w, r); By = box1d(h, r)
        K = sparse.kron(By, Bx, format='csr'); B = K @ K
    if cnd.startswith('motion-blur-'):
        r = int(cnd[12:]); B = sparse.kron(sparse.identity(h), box1d(w, r), format='csr')
Acov = (B @ R).tocsc()
# Observation pixels: blur footprint wholly inside the quad.
full = np.asarray((B @ inside_q.astype(float))).ravel() > 0.999
y = img[y0:y1, x0:x1].ravel()
if inv: y = 255 - y
# Known cells: quiet zone light; function patterns from truth.
known = np.zeros((total, total), bool); val = np.zeros((total, total))
known[:4, :] = known[-4:, :] = known[:, :4] = known[:, -4:] = True
kn = np.zeros((n, n), bool)
kn[:9, :9] = kn[:9, -8:] = kn[-8:, :9] = True; kn[6, :] = kn[:, 6] = True
if n > 21:
    a = n - 7; kn[a - 2:a + 3, a - 2:a + 3] = True
known[4:-4, 4:-4] = kn; val[4:-4, 4:-4] = np.where(kn, truth, 0)
known, val = known.ravel(), val.ravel().astype(float)
free = ~known
# Light model: polynomial in module coords.
q = Hi @ np.array([xs.ravel(), ys.ravel(), np.ones(P)]); U, V = q[0] / q[2] / n, q[1] / q[2] / n
deg = int(sys.argv[3]) if len(sys.argv) > 3 else 4
basis = np.stack([U ** i * V ** j for i in range(deg + 1) for j in range(deg + 1 - i)], 1)
obs = np.nonzero(full)[0]
Mv = val.copy(); Mv[free] = 0.5
for it in range(10):
    z = Acov @ Mv
    X = np.hstack([basis[obs], -basis[obs] * z[obs, None]])
    coef = np.linalg.lstsq(X, y[obs], rcond=None)[0]
    k = basis.shape[1]; o = basis @ coef[:k]; g = basis @ coef[k:]
    # y = o - g * (Acov M): solve for free M.
    G = sparse.diags(g[obs]) @ Acov[obs]
    rhs = o[obs] - y[obs] - G[:, known] @ val[known]
    sol = lsq_linear(G[:, free].tocsc(), rhs, bounds=(0, 1), lsmr_tol='auto', max_iter=200)
    Mv[free] = sol.x
    got = Mv.reshape(total, total)[4:-4, 4:-4] > 0.5
    wrong = int((got != truth).sum())
env['TM_DEBUG_BITS'] = ''.join('1' if b else '0' for b in got.ravel())
out = subprocess.run(['cargo', 'test', '-q', '--release', '-p', 'touchmark', '--lib', 'debug_oracle',
                      '--', '--ignored', '--nocapture'], cwd=root, env=env, capture_output=True, text=True).stdout
decodes = 'bits decode true' in out
print(f"{name}: pixels {len(obs)}, wrong {wrong} of {n*n} ({100*wrong/n/n:.1f} %), decodes: {decodes}")
