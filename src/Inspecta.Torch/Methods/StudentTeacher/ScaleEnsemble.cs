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
internal sealed class ScaleEnsemble : IDisposable
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

    public (Tensor Mean, Tensor Std) DescriptorStatistics() =>
        (tensor(Mean, [1, Mean.Length, 1, 1]), tensor(Std, [1, Std.Length, 1, 1]));

    /// <summary>Per-component μ and σ of the teacher's dense descriptors over <paramref name="images"/> (padded N×3×H×W batches, normalised).</summary>
    public void SetDescriptorStatistics(IEnumerable<Tensor> images)
    {
        int d = Layout.DescriptorDim;
        var sum = new double[d];
        var squares = new double[d];
        long count = 0;
        using var _ = no_grad();
        foreach (var x in images)
        {
            using var scope = NewDisposeScope();
            var y = Teacher.forward(x).to(ScalarType.Float64);
            var s = y.sum([0, 2, 3]).data<double>().ToArray();
            var q = y.square().sum([0, 2, 3]).data<double>().ToArray();
            for (int k = 0; k < d; k++) { sum[k] += s[k]; squares[k] += q[k]; }
            count += y.shape[0] * y.shape[2] * y.shape[3];
        }
        var mean = new float[d];
        var std = new float[d];
        for (int k = 0; k < d; k++)
        {
            double m = sum[k] / count, v = Math.Max(0, squares[k] / count - m * m);
            mean[k] = (float)m;
            std[k] = v > 1e-12 ? (float)Math.Sqrt(v) : 1f;
        }
        (Mean, Std) = (mean, std);
    }

    /// <summary>Regression error e and predictive variance v per pixel (eqs. 5.8–5.10) of one normalised image at its own size: two N×1×H×W maps.</summary>
    public (Tensor Error, Tensor Variance) Maps(Tensor x)
    {
        var (mean, std) = DescriptorStatistics();
        var target = (Teacher.Dense(x) - mean) / std;
        Tensor? sum = null, squares = null;
        foreach (var s in Students)
        {
            var o = s.Dense(x);
            sum = sum is null ? o : sum + o;
            var q = o.square().sum(1, keepdim: true);
            squares = squares is null ? q : squares + q;
        }
        var m = ScalarTensor.Of(Students.Length);
        var ensemble = sum! / m;
        var error = (ensemble - target).square().sum(1, keepdim: true);
        var variance = squares! / m - ensemble.square().sum(1, keepdim: true);
        return (error, variance);
    }

    /// <summary>The scale's normalised map ẽ + ṽ (eq. 5.11); a single student has no variance, its map is ẽ.</summary>
    public Tensor Score(Tensor x)
    {
        var (error, variance) = Maps(x);
        var c = Calibration;
        var score = (error - ScalarTensor.Of(c.ErrorMean)) / ScalarTensor.Of(c.ErrorStd);
        if (Students.Length > 1) score = score + (variance - ScalarTensor.Of(c.VarianceMean)) / ScalarTensor.Of(c.VarianceStd);
        return score;
    }

    /// <summary>Mean and standard deviation of e and v over every pixel of the validation images.</summary>
    public void Calibrate(IEnumerable<Tensor> validation)
    {
        double es = 0, eq = 0, vs = 0, vq = 0;
        long n = 0;
        using var _ = no_grad();
        foreach (var x in validation)
        {
            using var scope = NewDisposeScope();
            var (e, v) = Maps(x);
            var e64 = e.to(ScalarType.Float64);
            var v64 = v.to(ScalarType.Float64);
            es += e64.sum().item<double>(); eq += e64.square().sum().item<double>();
            vs += v64.sum().item<double>(); vq += v64.square().sum().item<double>();
            n += e.numel();
        }
        if (n == 0) throw new InvalidOperationException("No validation pixels.");
        static float Std(double sum, double squares, long n)
        {
            double m = sum / n, v = squares / n - m * m;
            return v > 1e-20 ? (float)Math.Sqrt(v) : 1f;
        }
        Calibration = ((float)(es / n), Std(es, eq, n), (float)(vs / n), Std(vs, vq, n));
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
