using System.Text.Json.Nodes;

namespace Inspecta.Torch.Methods.StudentTeacher;

/// <summary>
/// The layer table of a patch network with receptive field <see cref="ReceptiveField"/> (thesis Table 5.1): valid
/// convolutions and max-pools that map a p×p patch to one <see cref="DescriptorDim"/>-dimensional descriptor, leaky ReLU
/// after every convolution but the last. Table 5.1 prints output sizes that its kernels do not all produce; the output
/// sizes are taken as authoritative (p = 17: conv1 is 6×6, 17 → 12; p = 33: conv1 is 5×5, 33 → 29; p = 65: the second
/// max-pool has stride 2, 26 → 13). <see cref="Width"/> is the thesis's 128 (its 256-channel layers are 2 × width).
/// </summary>
public sealed record PatchNetworkLayout(int ReceptiveField, int Width, int DescriptorDim)
{
    public static IReadOnlyList<int> Supported { get; } = [17, 33, 65];

    public IReadOnlyList<PatchLayer> Layers => ReceptiveField switch
    {
        17 => [PatchLayer.Conv(6, Width), PatchLayer.Conv(5, 2 * Width), PatchLayer.Conv(5, 2 * Width), PatchLayer.Conv(4, DescriptorDim)],
        33 => [PatchLayer.Conv(5, Width), PatchLayer.Pool(2, 2), PatchLayer.Conv(5, 2 * Width), PatchLayer.Pool(2, 2), PatchLayer.Conv(2, 2 * Width),
               PatchLayer.Conv(4, DescriptorDim)],
        65 => [PatchLayer.Conv(5, Width), PatchLayer.Pool(2, 2), PatchLayer.Conv(5, Width), PatchLayer.Pool(2, 2), PatchLayer.Conv(5, Width),
               PatchLayer.Pool(2, 2), PatchLayer.Conv(4, 2 * Width), PatchLayer.Conv(1, DescriptorDim)],
        _ => throw new InspectaUserException($"receptive field {ReceptiveField} is not one of the patch networks ({string.Join(", ", Supported)})."),
    };

    /// <summary>
    /// Input pixels one output of the dense network depends on along each axis: 1 + Σ (k − 1)·dilation, the dilation
    /// doubling after every stride-2 pool. A p×p patch evaluated by the strided network uses the first <see cref="Extent"/>
    /// rows and columns (a pool over an odd size drops the last), so Extent ≤ p.
    /// </summary>
    public int Extent
    {
        get
        {
            int extent = 1, dilation = 1;
            foreach (var l in Layers)
            {
                extent += (l.Kernel - 1) * dilation;
                if (l.IsPool) dilation *= l.Stride;
            }
            return extent;
        }
    }

    /// <summary>Padding before and after (rows and columns) that makes the dense output as large as the input.</summary>
    public (int Before, int After) Padding => ((Extent - 1) / 2, Extent - 1 - (Extent - 1) / 2);

    public JsonObject ToJson() => new() { ["receptive_field"] = ReceptiveField, ["width"] = Width, ["descriptor_dim"] = DescriptorDim };
}
