using Inspecta.Imaging;
using Inspecta.Persistence;
using Inspecta.Torch.Nn;
using TorchSharp;
using static TorchSharp.torch;

namespace Inspecta.Torch.Methods.StudentTeacher;

/// <summary>
/// One receptive field of Uninformed Students: the frozen teacher, the ensemble of students, the teacher's descriptor
/// mean and standard deviation over the training images (the students' regression target is (y − μ)/σ), and the
/// validation statistics of regression error and predictive variance that normalise the scale's map (eq. 5.11).
/// </summary>
internal sealed class ScaleEnsemble : IPatchScale
{
    public ScaleEnsemble(PatchNetworkLayout layout, PatchNetwork teacher, PatchNetwork[] students)
    {
        (Layout, Teacher, Students) = (layout, teacher, students);
        Mean = new float[layout.DescriptorDim];
        Std = new float[layout.DescriptorDim];
        Array.Fill(Std, 1f);
    }

    public PatchNetworkLayout Layout { get; }
    public PatchNetwork Teacher { get; }
    public PatchNetwork[] Students { get; }
    /// <summary>μ and σ of the teacher's descriptors over the training images, per component.</summary>
    public float[] Mean { get; private set; }
    public float[] Std { get; private set; }
    /// <summary>Mean and standard deviation of the regression error and of the predictive variance over the validation pixels.</summary>
    public (float ErrorMean, float ErrorStd, float VarianceMean, float VarianceStd) Calibration { get; private set; } = (0, 1, 0, 1);

    private string Prefix => $"p{Layout.ReceptiveField}";

    public long ParameterCount => Teacher.ParameterCount + Students.Sum(s => s.ParameterCount);

    public (Tensor Mean, Tensor Std) StatisticsTensors() =>
        (tensor(Mean, [1, Mean.Length, 1, 1]), tensor(Std, [1, Std.Length, 1, 1]));

    /// <summary>μ and σ of the teacher's descriptors over the training images.</summary>
    public void SetDescriptorStatistics(IReadOnlyList<ImageF> train) => (Mean, Std) = StudentTeacher.DescriptorStatistics.Compute(Teacher, train);

    /// <summary>Regression error e and predictive variance v per pixel (eqs. 5.8–5.10) of one normalised image at its own size: two N×1×H×W maps.</summary>
    public (Tensor Error, Tensor Variance) Maps(Tensor x)
    {
        var (mean, std) = StatisticsTensors();
        var target = (Teacher.Dense(x) - mean) / std;
        Tensor? sum = null, squares = null;
        foreach (var s in Students)
        {
            var o = s.Dense(x);
            sum = sum is null ? o : sum.Plus(o);
            var q = o.Squared().sum(1, keepdim: true);
            squares = squares is null ? q : squares.Plus(q);
        }
        var m = ScalarTensor.Of(Students.Length);
        var ensemble = sum! / m;
        var error = (ensemble - target).Squared().sum(1, keepdim: true);
        var variance = squares! / m - ensemble.Squared().sum(1, keepdim: true);
        return (error, variance);
    }

    /// <summary>The scale's normalised map ẽ + ṽ (eq. 5.11); a single student has no variance, its map is ẽ.</summary>
    public Tensor Score(Tensor x)
    {
        var (error, variance) = Maps(x);
        var c = Calibration;
        var score = (error - ScalarTensor.Of(c.ErrorMean)) / ScalarTensor.Of(c.ErrorStd);
        if (Students.Length > 1) score = score.Plus((variance - ScalarTensor.Of(c.VarianceMean)) / ScalarTensor.Of(c.VarianceStd));
        return score;
    }

    /// <summary>Mean and standard deviation of e and v over every pixel of the validation images.</summary>
    public void Calibrate(IReadOnlyList<ImageF> validation)
    {
        var (e, v) = (new MapStatistics(), new MapStatistics());
        using var _ = no_grad();
        foreach (var img in validation)
        {
            using var scope = NewDisposeScope();
            var (error, variance) = Maps(PaddedImages.Batch(img));
            e.Add(error);
            v.Add(variance);
        }
        var ((em, es), (vm, vs)) = (e.Result(), v.Result());
        Calibration = (em, es, vm, vs);
    }

    public void Save(ModelWriter writer)
    {
        ModuleWeights.Save(Teacher, $"{Prefix}/teacher", writer);
        for (int i = 0; i < Students.Length; i++) ModuleWeights.Save(Students[i], $"{Prefix}/student{i}", writer);
        writer.AddArray($"{Prefix}/descriptor_mean", Mean, Mean.Length);
        writer.AddArray($"{Prefix}/descriptor_std", Std, Std.Length);
        var c = Calibration;
        writer.AddArray($"{Prefix}/calibration", new float[] { c.ErrorMean, c.ErrorStd, c.VarianceMean, c.VarianceStd }, 4);
    }

    /// <summary>Reads the scale's networks and statistics, refusing arrays that do not fit the layout.</summary>
    public static ScaleEnsemble Load(ModelReader reader, PatchNetworkLayout layout, int students)
    {
        var teacher = new PatchNetwork(layout, "teacher");
        var nets = Enumerable.Range(0, students).Select(i => new PatchNetwork(layout, $"student{i}")).ToArray();
        var scale = new ScaleEnsemble(layout, teacher, nets);
        try
        {
            string prefix = scale.Prefix;
            ModuleWeights.Load(teacher, $"{prefix}/teacher", reader);
            for (int i = 0; i < students; i++) ModuleWeights.Load(nets[i], $"{prefix}/student{i}", reader);
            scale.Mean = Vector(reader, $"{prefix}/descriptor_mean", layout.DescriptorDim);
            scale.Std = Vector(reader, $"{prefix}/descriptor_std", layout.DescriptorDim);
            var c = Vector(reader, $"{prefix}/calibration", 4);
            if (scale.Std.Any(s => !(s > 0)) || !(c[1] > 0) || !(c[3] > 0)) throw reader.Error($"'{prefix}': a standard deviation is not positive.");
            scale.Calibration = (c[0], c[1], c[2], c[3]);
            teacher.eval();
            foreach (var s in nets) s.eval();
            return scale;
        }
        catch
        {
            scale.Dispose();
            throw;
        }
    }

    internal static float[] Vector(ModelReader reader, string key, int length)
    {
        if (!reader.HasArray(key)) throw reader.Error($"'{key}' is missing.");
        var data = reader.ReadFloats(key, out int[] shape);
        if (shape.Length != 1 || shape[0] != length) throw reader.Error($"'{key}' is [{string.Join('×', shape)}], expected [{length}].");
        return data;
    }

    public void Dispose()
    {
        Teacher.Dispose();
        foreach (var s in Students) s.Dispose();
    }
}
