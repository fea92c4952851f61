using Inspecta.Torch.Nn;
using System.Text.Json.Nodes;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Inspecta.Torch.Methods.FAnoGan;

/// <summary>
/// DCGAN-style networks for P×P patches (P = 16·2ᵏ), intensities scaled to [−1, 1]: the generator maps z through a linear
/// layer to 4×4×(8w) and doubles the resolution with 4×4 transposed convolutions (BatchNorm + ReLU, tanh output); the
/// critic and the encoder halve it with 4×4 convolutions (leaky ReLU 0.2, no normalisation, as WGAN-GP requires) down to
/// 4×4, then a linear layer (to one value, or to z). The critic's last feature map is the f(·) of the izif loss.
/// </summary>
public sealed record FAnoGanNetworks(int PatchSize, int Channels, int Latent, int Width)
{
    public int Stages => (int)Math.Log2(PatchSize / 4);
    private int Top => Width * (1 << (Stages - 1));

    public JsonObject ToJson() => new() { ["patch_size"] = PatchSize, ["channels"] = Channels, ["latent"] = Latent, ["width"] = Width };
    public static FAnoGanNetworks FromJson(JsonObject o) =>
        new(o["patch_size"]!.GetValue<int>(), o["channels"]!.GetValue<int>(), o["latent"]!.GetValue<int>(), o["width"]!.GetValue<int>());

    public Generator BuildGenerator() => new(this);
    public Critic BuildCritic() => new(this, 1, "critic");
    public Critic BuildEncoder() => new(this, Latent, "encoder");

    public sealed class Generator : nn.Module<Tensor, Tensor>
    {
        private readonly Linear project;
        private readonly Sequential body;
        private readonly long _top;


        public Generator(FAnoGanNetworks n) : base("generator")
        {
            _top = n.Top;
            project = nn.Linear(n.Latent, 16 * n.Top);
            var layers = new List<(string, nn.Module<Tensor, Tensor>)> { ("bn0", HeldBatchNorm.OneD(16 * n.Top)), ("relu0", nn.ReLU()) };
            int ch = n.Top;
            var convs = new List<(string, nn.Module<Tensor, Tensor>)>();
            for (int i = 1; i <= n.Stages; i++)
            {
                bool last = i == n.Stages;
                int output = last ? n.Channels : ch / 2;
                convs.Add(($"deconv{i}", nn.ConvTranspose2d(ch, output, 4, 2, 1)));
                if (!last)
                {
                    convs.Add(($"bn{i}", HeldBatchNorm.TwoD(output)));
                    convs.Add(($"relu{i}", nn.ReLU()));
                }
                ch = output;
            }
            convs.Add(("tanh", nn.Tanh()));
            body = nn.Sequential(convs);
            norm = nn.Sequential(layers);
            RegisterComponents();
        }

        private readonly Sequential norm;

        public override Tensor forward(Tensor z) => body.forward(norm.forward(project.forward(z.flatten(1))).reshape(-1, _top, 4, 4));
    }

    public sealed class Critic : nn.Module<Tensor, Tensor>
    {
        private readonly Sequential body;
        private readonly Linear head;

        public Critic(FAnoGanNetworks n, int outputs, string name) : base(name)
        {
            var layers = new List<(string, nn.Module<Tensor, Tensor>)>();
            int ch = n.Channels;
            for (int i = 1; i <= n.Stages; i++)
            {
                int output = n.Width * (1 << (i - 1));
                layers.Add(($"conv{i}", nn.Conv2d(ch, output, 4, 2, 1)));
                layers.Add(($"lrelu{i}", new Inspecta.Torch.Nn.LeakyRelu(0.2)));
                ch = output;
            }
            body = nn.Sequential(layers);
            head = nn.Linear(16 * n.Top, outputs);
            RegisterComponents();
        }

        /// <summary>The last convolutional features, flattened: N × (16·8w).</summary>
        public Tensor Features(Tensor x) => body.forward(x).flatten(1);

        public override Tensor forward(Tensor x) => head.forward(Features(x));
    }
}
