import sys, time, torch
sys.path.insert(0, "/work/wt-segx/bench/python")
import twins
torch.set_num_threads(2)
size, batch, steps = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
net = twins.UNet3d().train()
opt = torch.optim.Adam(net.parameters(), lr=3e-3)
x = torch.rand(batch, 4, size, size, size); m = torch.ones(batch, 4); y = (torch.rand(batch, 3, size, size, size) < 0.1).float()
t = [0.0] * 5
for s in range(steps):
    if s == 3: t = [0.0] * 5
    t0 = time.perf_counter(); xt = x.clone(); t1 = time.perf_counter()
    logits = net([xt, m, y]); t2 = time.perf_counter()
    loss = net.loss(logits, None, None); loss.item(); t3 = time.perf_counter()
    loss.backward(); t4 = time.perf_counter()
    opt.step(); opt.zero_grad(set_to_none=True); t5 = time.perf_counter()
    for i, d in enumerate((t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4)): t[i] += d
n = steps - 3
print(f"PyTorch {torch.__version__} U-Net {size}^3 x {batch}, {torch.get_num_threads()} threads, ms per step: upload {t[0]/n*1e3:.1f} forward {t[1]/n*1e3:.1f} loss {t[2]/n*1e3:.1f} backward {t[3]/n*1e3:.1f} adam {t[4]/n*1e3:.1f} total {sum(t)/n*1e3:.1f}")
