using TorchSharp;
using static TorchSharp.torch;

namespace Inspecta.Torch.Nn;

/// <summary>
/// Batch normalisation as TorchSharp's <c>nn.BatchNorm1d/2d</c> (momentum 0.1, ε 10⁻⁵, affine, running statistics;
/// the same parameter and buffer names, so weight files are interchangeable), except that counting the batch holds its
/// Scalar: TorchSharp's forward increments <c>num_batches_tracked</c> with a temporary one in every training step (see
/// <see cref="Scalars"/>).
/// </summary>
public sealed class HeldBatchNorm : TorchSharp.Modules.BatchNorm
{
    private readonly int _dims;

    private HeldBatchNorm(long features, int dims) : base(features, 1e-5, 0.1, true, true, null, null, dims == 1 ? "BatchNorm1d" : "BatchNorm2d") =>
        _dims = dims;

    /// <summary>Over N×C×H×W.</summary>
    public static HeldBatchNorm TwoD(long features) => new(features, 2);

    /// <summary>Over N×C or N×C×L.</summary>
    public static HeldBatchNorm OneD(long features) => new(features, 1);

    protected override void ValidateInputDimensions(Tensor input)
    {
        bool ok = _dims == 2 ? input.ndim == 4 : input.ndim is 2 or 3;
        if (!ok) throw new ArgumentException($"expected {(_dims == 2 ? "4D" : "2D or 3D")} input, got {input.ndim}D");
    }

    public override Tensor forward(Tensor input)
    {
        ValidateInputDimensions(input);
        double factor = 0;
        if (training && track_running_stats && num_batches_tracked is not null)
        {
            num_batches_tracked.add_(Scalars.IntegerOne, Scalars.IntegerOne);
            factor = momentum ?? 1.0 / num_batches_tracked.item<long>();
        }
        bool batchStatistics = training || running_mean is null && running_var is null;
        bool passStatistics = !training || track_running_stats;
        return nn.functional.batch_norm(input, passStatistics ? running_mean : null, passStatistics ? running_var : null, weight, bias,
            batchStatistics, factor, eps);
    }
}
