using Inspecta.Torch.Nn;
using Inspecta.Torch.Nn.Flows;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Inspecta.Torch.Methods.CFlow;

/// <summary>
/// CFLOW-AD's decoders: per feature scale a conditional normalising flow on fibres (the C-vector of one position), a chain
/// of fully connected affine couplings (1×1 couplings on 1×1 inputs; subnet hidden width 2 × its input) each reading the
/// position's encoding (<see cref="PositionalEncoding"/>) besides its half of the fibre. The negative log-likelihood of a
/// fibre under the standard normal base, per dimension: (½‖z‖² − log|det|) / C (the constant ½·log 2π left out).
/// </summary>
public sealed class CFlowNetwork : nn.Module<Tensor[], Tensor[]>
{
    private readonly ModuleList<ModuleList<AffineCoupling>> scales;
    private readonly int[] _channels;
    private readonly int _condition;

    public CFlowNetwork(IReadOnlyList<int> channels, int blocks, int conditionChannels, double clamp) : base("cflow")
    {
        _channels = [.. channels];
        _condition = conditionChannels;
        scales = nn.ModuleList<ModuleList<AffineCoupling>>();
        foreach (int c in channels)
        {
            var chain = nn.ModuleList<AffineCoupling>();
            int hidden = 2 * (c / 2 + conditionChannels);
            for (int i = 0; i < blocks; i++) chain.Add(new AffineCoupling(c, 1, hidden, clamp, conditionChannels, i));
            scales.Add(chain);
        }
        RegisterComponents();
    }

    public int Scales => _channels.Length;

    /// <summary>The trainable parameters of one scale's flow.</summary>
    public IEnumerable<Parameter> ScaleParameters(int scale) => scales[scale].parameters();

    /// <summary>Per-dimension NLL of M fibres (M×C) at positions with encodings M×P, through the flow of <paramref name="scale"/>: M values.</summary>
    public Tensor FibreNll(int scale, Tensor fibres, Tensor encodings)
    {
        long m = fibres.shape[0];
        int c = _channels[scale];
        var x = fibres.reshape(m, c, 1, 1);
        var condition = encodings.reshape(m, _condition, 1, 1);
        Tensor? logDet = null;
        foreach (var step in scales[scale])
        {
            var (y, ld) = step.forward(x, condition);
            x = y;
            logDet = logDet is null ? ld : logDet.Plus(ld);
        }
        return (x.Squared().sum([1, 2, 3]).Times(0.5) - logDet!).Times(1.0 / c);
    }

    /// <summary>An N×C×h×w feature map as N·h·w fibres (row-major over n, y, x) and their encodings.</summary>
    public (Tensor Fibres, Tensor Encodings) Fibres(Tensor features)
    {
        long n = features.shape[0], c = features.shape[1], h = features.shape[2], w = features.shape[3];
        var fibres = features.permute(0, 2, 3, 1).reshape(n * h * w, c);
        using var pe = tensor(PositionalEncoding.Create(_condition, (int)h, (int)w), [_condition, h * w]);
        var encodings = pe.t().unsqueeze(0).expand(n, h * w, _condition).reshape(n * h * w, _condition);
        return (fibres, encodings);
    }

    /// <summary>Per scale the per-position NLL map, N×1×h×w.</summary>
    public override Tensor[] forward(Tensor[] features)
    {
        var maps = new Tensor[features.Length];
        for (int l = 0; l < features.Length; l++)
        {
            var f = features[l];
            var (fibres, encodings) = Fibres(f);
            maps[l] = FibreNll(l, fibres, encodings).reshape(f.shape[0], 1, f.shape[2], f.shape[3]);
        }
        return maps;
    }
}
