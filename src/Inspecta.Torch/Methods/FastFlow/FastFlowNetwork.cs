using Inspecta.Torch.Nn;
using Inspecta.Torch.Nn.Flows;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Inspecta.Torch.Methods.FastFlow;

/// <summary>
/// FastFlow's 2D flows: one per feature scale (the teacher's layer1–3), each a chain of affine couplings whose subnets
/// alternate 3×3 and 1×1 convolutions (the paper's large/small kernels; step 0 is 3×3) with hidden width = channels ×
/// hidden ratio. Each feature map is first standardised per image over all its values (layer norm without learned
/// parameters, the role of the paper's normalisation of the frozen features). Output per scale: z (same shape as the
/// features) and log|det| per image.
/// </summary>
public sealed class FastFlowNetwork : nn.Module<Tensor[], (Tensor[] Z, Tensor[] LogDet)>
{
    private readonly ModuleList<ModuleList<AffineCoupling>> scales;

    public FastFlowNetwork(IReadOnlyList<int> channels, int steps, double hiddenRatio, double clamp) : base("fastflow")
    {
        scales = nn.ModuleList<ModuleList<AffineCoupling>>();
        foreach (int c in channels)
        {
            var chain = nn.ModuleList<AffineCoupling>();
            int hidden = Math.Max(1, (int)Math.Round(c * hiddenRatio));
            for (int i = 0; i < steps; i++) chain.Add(new AffineCoupling(c, i % 2 == 0 ? 3 : 1, hidden, clamp, 0, i));
            scales.Add(chain);
        }
        RegisterComponents();
    }

    public override (Tensor[] Z, Tensor[] LogDet) forward(Tensor[] features)
    {
        if (features.Length != scales.Count) throw new ArgumentException($"{features.Length} feature maps for {scales.Count} flows.");
        var z = new Tensor[features.Length];
        var logDet = new Tensor[features.Length];
        for (int l = 0; l < features.Length; l++)
        {
            var f = features[l];
            var x = nn.functional.layer_norm(f, [f.shape[1], f.shape[2], f.shape[3]]);
            Tensor? sum = null;
            foreach (var step in scales[l])
            {
                var (y, ld) = step.forward(x, null);
                x = y;
                sum = sum is null ? ld : sum.Plus(ld);
            }
            (z[l], logDet[l]) = (x, sum!);
        }
        return (z, logDet);
    }

    /// <summary>
    /// The training loss: per scale the negative log-likelihood of the features under the flow with a standard normal
    /// base, ½‖z‖² − log|det|, per dimension (so scales of different sizes weigh alike) and averaged over the batch;
    /// summed over the scales. The constant ½·log 2π per dimension is left out.
    /// </summary>
    public static Tensor Loss((Tensor[] Z, Tensor[] LogDet) output)
    {
        Tensor? total = null;
        for (int l = 0; l < output.Z.Length; l++)
        {
            var z = output.Z[l];
            double dims = z.shape[1] * z.shape[2] * z.shape[3];
            var perImage = z.Squared().sum([1, 2, 3]).Times(0.5) - output.LogDet[l];
            var term = perImage.mean().Times(1 / dims);
            total = total is null ? term : total.Plus(term);
        }
        return total!;
    }

    /// <summary>Per scale and position the negative log-likelihood of z under the base, ½·mean over channels of z²: N×1×h×w.</summary>
    public static Tensor PositionNll(Tensor z) => z.Squared().mean([1], keepdim: true).Times(0.5);
}
