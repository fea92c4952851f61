using System.Diagnostics;
using Inspecta.Torch.Nn;
using TorchSharp;
using static TorchSharp.torch;
torch.set_num_threads(2);
Console.WriteLine($"threads {torch.get_num_threads()}");
int n = int.Parse(args[0]), s = int.Parse(args[1]);
var net = new ResNet18(false);
var x = randn(n, 3, s, s);
for (int mode = 0; mode < 3; mode++)
{
  if (mode == 0) net.eval(); else net.train();
  for (int rep = 0; rep < 2; rep++) {
    var sw = Stopwatch.StartNew();
    using (var d = NewDisposeScope()) {
      if (mode == 0) { using var _ = no_grad(); net.forward(x); }
      else if (mode == 1) { net.forward(x)[2].sum().backward(); }
      else { var conv = nn.Conv2d(64,64,3,padding:1); using var _ = no_grad(); var y = randn(n,64,s/4,s/4); conv.forward(y); }
    }
    Console.WriteLine($"mode {mode}: {sw.Elapsed.TotalMilliseconds / n:F1} ms/img");
  }
}
