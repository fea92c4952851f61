using Inspecta.Torch.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Inspecta.Torch.Nn.Flows;

/// <summary>
/// One step of a normalising flow on N×C×H×W tensors (Real NVP / Glow style affine coupling): the channels are split in
/// halves x₁ (⌊C/2⌋) and x₂; a subnet of two k×k convolutions (ReLU between, zero padding that keeps the size) reads x₁,
/// and the optional condition concatenated to it, and gives a log-scale s and a shift t for x₂:
/// y₂ = x₂·exp(s) + t, y₁ = x₁. The log-scale is soft-clamped, s = a·tanh(ŝ/a), so no step can blow up; the subnet's last
/// convolution starts at zero, so a fresh flow is the identity. Then a fixed channel permutation (seeded from the step's
/// index, the same on every machine) mixes the halves for the next step. log|det ∂y/∂x| = Σ s over channels and positions.
/// With k = 1 and a 1×1 input this is the fully connected coupling of a flow on feature vectors.
/// </summary>
public sealed class AffineCoupling : nn.Module<Tensor, Tensor?, (Tensor Y, Tensor LogDet)>
{
    private readonly Sequential subnet;
    private readonly int _c1, _c2;
    private readonly double _clamp;
    private readonly long[] _permutation;

    /// <param name="channels">C, at least 2.</param>
    /// <param name="kernel">Odd kernel size of the subnet's convolutions.</param>
    /// <param name="hidden">Channels of the subnet's hidden layer.</param>
    /// <param name="clamp">a of the soft clamp (log-scales stay within ±a).</param>
    /// <param name="conditionChannels">Channels of the condition concatenated to x₁ (0: none).</param>
    /// <param name="index">The step's position in its flow: seeds its permutation.</param>
    public AffineCoupling(int channels, int kernel, int hidden, double clamp, int conditionChannels, int index) : base("coupling")
    {
        if (channels < 2) throw new ArgumentOutOfRangeException(nameof(channels), "A coupling needs at least 2 channels.");
        if (kernel < 1 || kernel % 2 == 0) throw new ArgumentOutOfRangeException(nameof(kernel), "The kernel must be odd.");
        (_c1, _c2, _clamp) = (channels / 2, channels - channels / 2, clamp);
        var last = nn.Conv2d(hidden, 2 * _c2, kernel, padding: kernel / 2);
        using (no_grad())
        {
            last.weight!.zero_();
            last.bias!.zero_();
        }
        subnet = nn.Sequential(("0", nn.Conv2d(_c1 + conditionChannels, hidden, kernel, padding: kernel / 2)), ("1", nn.ReLU()), ("2", last));
        var order = new int[channels];
        for (int i = 0; i < channels; i++) order[i] = i;
        var rng = TrainingRandom.For(0xF10E, (ulong)index, (ulong)channels);
        rng.Shuffle(order);
        _permutation = [.. order.Select(i => (long)i)];
        RegisterComponents();
    }

    public override (Tensor Y, Tensor LogDet) forward(Tensor x, Tensor? condition)
    {
        var halves = x.split([_c1, _c2], 1);
        var input = condition is null ? halves[0] : cat([halves[0], condition], 1);
        var st = subnet.forward(input).chunk(2, 1);
        var s = st[0].Times(1 / _clamp).tanh().Times(_clamp);
        var y2 = (halves[1] * s.exp()).Plus(st[1]);
        using var permutation = tensor(_permutation);
        var y = cat([halves[0], y2], 1).index_select(1, permutation);
        return (y, s.sum([1, 2, 3]));
    }
}
