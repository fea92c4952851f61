using Inspecta.Persistence;
using Inspecta.Torch.Methods.StudentTeacher;
using Inspecta.Torch.Nn;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Inspecta.Torch.Methods.Gcad;

/// <summary>
/// GCAD at one receptive field: the frozen local teacher E_loc with its descriptor mean and deviation over the training
/// images (so its output is normalised per dimension, as re-weighting its last layer would), the global encoder E_glo,
/// the 1×1 mapping U (d_glo → d_loc), the regression U-Nets R_loc and R_glo, and the validation statistics of both
/// maps. Map: (A_loc − μ_loc)/σ_loc + (A_glo − μ_glo)/σ_glo with A_loc = ‖E_loc − R_loc‖², A_glo = ‖E_glo − R_glo‖².
/// </summary>
internal sealed class GcadScale : IPatchScale
{
    public GcadScale(GcadOptions o, PatchNetworkLayout layout, PatchNetwork teacher)
    {
        (Layout, Teacher) = (layout, teacher);
        Global = new GlobalEncoder(o.ImageSize, o.GlobalWidth, o.Bottleneck, o.GlobalDim, o.SkipFadeEpochs, o.StepsPerEpoch);
        Mapping = nn.Sequential(("0", nn.Conv2d(o.GlobalDim, layout.DescriptorDim, 1)), ("1", new LeakyRelu(0.05)),
            ("2", nn.Conv2d(layout.DescriptorDim, layout.DescriptorDim, 1)), ("3", new LeakyRelu(0.05)), ("4", nn.Conv2d(layout.DescriptorDim, layout.DescriptorDim, 1)));
        Local = new UNet(o.UNetWidth, layout.DescriptorDim, "local_regression");
        GlobalRegression = new UNet(o.UNetWidth, o.GlobalDim, "global_regression");
        Mean = new float[layout.DescriptorDim];
        Std = Enumerable.Repeat(1f, layout.DescriptorDim).ToArray();
    }

    public PatchNetworkLayout Layout { get; }
    public PatchNetwork Teacher { get; }
    public GlobalEncoder Global { get; }
    public Sequential Mapping { get; }
    public UNet Local { get; }
    public UNet GlobalRegression { get; }
    public float[] Mean { get; set; }
    public float[] Std { get; set; }
    public (float LocalMean, float LocalStd, float GlobalMean, float GlobalStd) Calibration { get; set; } = (0, 1, 0, 1);

    private string Prefix => $"p{Layout.ReceptiveField}";

    public IReadOnlyList<(string Name, nn.Module Module)> Trained =>
        [("global_encoder", Global), ("mapping", Mapping), ("local_regression", Local), ("global_regression", GlobalRegression)];

    public long ParameterCount => Teacher.ParameterCount + Trained.Sum(m => ModuleWeights.ParameterCount(m.Module));

    /// <summary>The teacher's normalised dense descriptors of a normalised batch (no gradients).</summary>
    public Tensor LocalTarget(Tensor x)
    {
        using var _ = no_grad();
        using var mean = tensor(Mean, [1, Mean.Length, 1, 1]);
        using var std = tensor(Std, [1, Std.Length, 1, 1]);
        return (Teacher.Dense(x) - mean) / std;
    }

    /// <summary>A_loc and A_glo of a normalised batch: two N×1×H×W maps.</summary>
    public (Tensor Local, Tensor Global) Maps(Tensor x)
    {
        var target = LocalTarget(x);
        var local = (target - Local.forward(x)).Squared().sum(1, keepdim: true);
        var global = (Global.forward(x) - GlobalRegression.forward(x)).Squared().sum(1, keepdim: true);
        return (local, global);
    }

    public Tensor Score(Tensor x)
    {
        var (local, global) = Maps(x);
        var c = Calibration;
        return ((local - ScalarTensor.Of(c.LocalMean)) / ScalarTensor.Of(c.LocalStd)).Plus((global - ScalarTensor.Of(c.GlobalMean)) / ScalarTensor.Of(c.GlobalStd));
    }

    public void Save(ModelWriter writer)
    {
        ModuleWeights.Save(Teacher, $"{Prefix}/teacher", writer);
        foreach (var (name, m) in Trained) ModuleWeights.Save(m, $"{Prefix}/{name}", writer);
        writer.AddArray($"{Prefix}/descriptor_mean", Mean, Mean.Length);
        writer.AddArray($"{Prefix}/descriptor_std", Std, Std.Length);
        var c = Calibration;
        writer.AddArray($"{Prefix}/calibration", new float[] { c.LocalMean, c.LocalStd, c.GlobalMean, c.GlobalStd }, 4);
    }

    public static GcadScale Load(ModelReader reader, GcadOptions options, PatchNetworkLayout layout)
    {
        var scale = new GcadScale(options, layout, new PatchNetwork(layout, "teacher"));
        try
        {
            string prefix = scale.Prefix;
            ModuleWeights.Load(scale.Teacher, $"{prefix}/teacher", reader);
            foreach (var (name, m) in scale.Trained) ModuleWeights.Load(m, $"{prefix}/{name}", reader);
            scale.Mean = ScaleEnsemble.Vector(reader, $"{prefix}/descriptor_mean", layout.DescriptorDim);
            scale.Std = ScaleEnsemble.Vector(reader, $"{prefix}/descriptor_std", layout.DescriptorDim);
            var c = ScaleEnsemble.Vector(reader, $"{prefix}/calibration", 4);
            if (scale.Std.Any(s => !(s > 0)) || !(c[1] > 0) || !(c[3] > 0)) throw reader.Error($"'{prefix}': a standard deviation is not positive.");
            scale.Calibration = (c[0], c[1], c[2], c[3]);
            scale.Teacher.eval();
            foreach (var (_, m) in scale.Trained) m.eval();
            return scale;
        }
        catch
        {
            scale.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        Teacher.Dispose();
        foreach (var (_, m) in Trained) m.Dispose();
    }
}
