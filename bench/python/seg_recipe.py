"""PyTorch-eager twin of the seg-train recipe on the BraTS 2015 sample (reference only; the sample is read from
$CAUSALMM_DATA/brats2015-sample, see datasets/SOURCES.md).

Trains a 3-D U-Net at half resolution (48^3 patches, width 8, depth 3, batch 2, foreground
oversampling 0.5, flips, modality dropout) on pat0001+pat0002 for SECS seconds, evaluates WT/TC/ET
Dice on pat0005 at full resolution. Run: /usr/bin/python3 bench/python/seg_recipe.py (env: SECS, DS,
PATCH, W, DEPTH, BS, LR, DROP, FG). 2-core VM, 2026-11-28, SECS=240: WT 0.60 FLAIR / 0.21 T1c / 0.58 both.
"""
import gzip, struct, numpy as np, torch, torch.nn as nn, torch.nn.functional as F, time, sys, os
torch.set_num_threads(2); torch.manual_seed(0); np.random.seed(0)
DS = int(os.environ.get('DS', '2')); PATCH = int(os.environ.get('PATCH', '48')); W = int(os.environ.get('W', '8'))
DEPTH = int(os.environ.get('DEPTH', '3')); SECS = float(os.environ.get('SECS', '300')); BS = int(os.environ.get('BS', '2'))
LR = float(os.environ.get('LR', '0.003')); DROP = int(os.environ.get('DROP', '1')); FG=float(os.environ.get('FG','0.5'))
def load(p):
    b = gzip.open(p).read()
    dims = struct.unpack('<8h', b[40:56]); dt = struct.unpack('<h', b[70:72])[0]; off = int(struct.unpack('<f', b[108:112])[0])
    n = dims[1]*dims[2]*dims[3]; dtype = {16: '<f4', 8: '<i4'}[dt]
    return np.frombuffer(b[off:off+n*np.dtype(dtype).itemsize], dtype=dtype).reshape(dims[3], dims[2], dims[1]).astype(np.float32)
if not os.environ.get('CAUSALMM_DATA'):
    sys.exit('seg_recipe.py: set CAUSALMM_DATA to the data folder that holds brats2015-sample/ (see datasets/SOURCES.md)')
root = os.path.join(os.environ['CAUSALMM_DATA'], 'brats2015-sample') + '/'
def case(c):
    fl = load(root+c+'/Flair_subtrMeanDivStd.nii.gz'); t1c = load(root+c+'/T1c_subtrMeanDivStd.nii.gz'); lab = load(root+c+'/OTMultiClass.nii.gz')
    x = np.stack([fl, t1c]); nz = (x != 0).any(0)
    zs,ys,xs = [np.where(nz.any(axis=a))[0] for a in [(1,2),(0,2),(0,1)]]
    sl = (slice(zs[0], zs[-1]+1), slice(ys[0], ys[-1]+1), slice(xs[0], xs[-1]+1))
    x = x[(slice(None),)+sl]; lab = lab[sl]
    y = np.stack([lab>0, (lab==1)|(lab==3)|(lab==4), lab==4]).astype(np.float32)
    return torch.from_numpy(x.copy()), torch.from_numpy(y)
def down(x, y):
    if DS == 1: return x, y
    return F.avg_pool3d(x[None], DS, ceil_mode=True)[0], (F.avg_pool3d(y[None], DS, ceil_mode=True)[0] >= 0.5).float()
class Block(nn.Module):
    def __init__(s, i, o): super().__init__(); s.c1=nn.Conv3d(i,o,3,padding=1); s.n1=nn.InstanceNorm3d(o, affine=True); s.c2=nn.Conv3d(o,o,3,padding=1); s.n2=nn.InstanceNorm3d(o, affine=True)
    def forward(s, x): x = F.leaky_relu(s.n1(s.c1(x)), 0.01); return F.leaky_relu(s.n2(s.c2(x)), 0.01)
class UNet(nn.Module):
    def __init__(s, cin, w, depth):
        super().__init__(); ch=[w*2**i for i in range(depth+1)]
        s.enc = nn.ModuleList([Block(cin if i==0 else ch[i-1], ch[i]) for i in range(depth+1)])
        s.up = nn.ModuleList([nn.ConvTranspose3d(ch[i+1], ch[i], 2, 2) for i in range(depth)])
        s.dec = nn.ModuleList([Block(2*ch[i], ch[i]) for i in range(depth)]); s.head = nn.Conv3d(w, 3, 1)
    def forward(s, x):
        skips=[]
        for i, b in enumerate(s.enc):
            x = b(x)
            if i < len(s.enc)-1: skips.append(x); x = F.max_pool3d(x, 2)
        for i in reversed(range(len(s.up))): x = s.dec[i](torch.cat([s.up[i](x), skips[i]], 1))
        return s.head(x)
train = [down(*case(c)) for c in ['brats_2013_pat0001_1','brats_2013_pat0002_1']]
tx, ty = case('brats_2013_pat0005_1'); tdx, _ = down(tx, ty)
print('train shapes', [t[0].shape for t in train], 'test', tdx.shape, flush=True)
fgidx = [torch.nonzero(y[0]) for _, y in train]
def sample():
    xs, ys = [], []
    for _ in range(BS):
        vi = np.random.randint(len(train)); x, y = train[vi]; s = x.shape[1:]
        st = []
        if np.random.rand() < FG:
            c = fgidx[vi][np.random.randint(len(fgidx[vi]))]
            for a in range(3): lo=max(0, int(c[a])-PATCH+1); hi=min(max(0,s[a]-PATCH), int(c[a])); st.append(np.random.randint(lo, max(lo,hi)+1))
        else:
            st = [np.random.randint(0, max(0, s[a]-PATCH)+1) for a in range(3)]
        px = torch.zeros(2, PATCH, PATCH, PATCH); py = torch.zeros(3, PATCH, PATCH, PATCH)
        sx = x[:, st[0]:st[0]+PATCH, st[1]:st[1]+PATCH, st[2]:st[2]+PATCH]; px[:, :sx.shape[1], :sx.shape[2], :sx.shape[3]] = sx
        sy = y[:, st[0]:st[0]+PATCH, st[1]:st[1]+PATCH, st[2]:st[2]+PATCH]; py[:, :sy.shape[1], :sy.shape[2], :sy.shape[3]] = sy
        for a in range(3):
            if np.random.rand() < 0.5: px = px.flip(a+1); py = py.flip(a+1)
        if DROP:
            sub = np.random.randint(1, 4); 
            for m in range(2):
                if not (sub >> m) & 1: px[m] = 0
        xs.append(px); ys.append(py)
    return torch.stack(xs), torch.stack(ys)
def loss_fn(lo, y):
    p = torch.sigmoid(lo); inter = (p*y).sum((0,2,3,4)); den = p.sum((0,2,3,4)) + y.sum((0,2,3,4))
    return (1 - (2*inter+1)/(den+1)).mean() + F.binary_cross_entropy_with_logits(lo, y)
net = UNet(2, W, DEPTH); opt = torch.optim.Adam(net.parameters(), LR)
print('params', sum(p.numel() for p in net.parameters()), flush=True)
t0 = time.time(); step = 0; run = None
while time.time() - t0 < SECS:
    x, y = sample(); lo = net(x); l = loss_fn(lo, y); opt.zero_grad(); l.backward(); opt.step(); step += 1
    for g in opt.param_groups: g['lr'] = LR * max(0.1, 1 - 0.9*(time.time()-t0)/SECS)
    run = l.item() if run is None else 0.9*run + 0.1*l.item()
    if step % 25 == 0: print(step, round(run,4), round(time.time()-t0,1), flush=True)
print('steps', step, 'secs', time.time()-t0, flush=True)
net.eval()
def predict(x):
    # sliding window with overlap 0.5, constant blend
    s = x.shape[1:]; out = torch.zeros(3, *s); cnt = torch.zeros(1, *s); P = PATCH; stride = P//2
    starts = [sorted(set(list(range(0, max(1, s[a]-P+1), stride)) + [max(0, s[a]-P)])) for a in range(3)]
    with torch.no_grad():
        for a in starts[0]:
            for b in starts[1]:
                for c in starts[2]:
                    px = torch.zeros(1, 2, P, P, P); sx = x[:, a:a+P, b:b+P, c:c+P]; px[0, :, :sx.shape[1], :sx.shape[2], :sx.shape[3]] = sx
                    pr = torch.sigmoid(net(px))[0, :, :sx.shape[1], :sx.shape[2], :sx.shape[3]]
                    out[:, a:a+P, b:b+P, c:c+P] += pr; cnt[:, a:a+P, b:b+P, c:c+P] += 1
    return out / cnt
def dice(p, g):
    if p.sum()+g.sum() == 0: return 1.0
    return float(2*(p*g).sum()/(p.sum()+g.sum()))
for name, keep in [('flair',[0]),('t1c',[1]),('both',[0,1])]:
    xi = tdx.clone(); 
    for m in range(2):
        if m not in keep: xi[m] = 0
    pr = predict(xi)
    if DS > 1: pr = F.interpolate(pr[None], scale_factor=DS, mode='trilinear', align_corners=False)[0][:, :ty.shape[1], :ty.shape[2], :ty.shape[3]]
    pb = (pr > 0.5).float()
    print(name, 'WT %.3f TC %.3f ET %.3f' % tuple(dice(pb[r], ty[r]) for r in range(3)), flush=True)
print('total', time.time()-t0)
