using Inspecta.Datasets;
using Inspecta.Imaging;
using Inspecta.Persistence;
using Inspecta.Synthesis.TwoD;
using Inspecta.Torch.Methods.Distillation;
using Inspecta.Torch.Nn;
using Inspecta.Torch.Training;
using System.Text.Json.Nodes;

namespace Inspecta.Torch.Methods.StudentTeacher;

/// <summary>
/// Where the frozen patch teachers come from: distilled here from the pretrained backbone (<see cref="TeacherPretrainingTask"/>)
/// on the training images (at the working size and at half of it, for some spread of scale as the thesis's random zooms
/// give) plus, with <see cref="TeacherDataChoice.TrainAndSynthetic"/>, good images of every synthetic 2D category; or
/// read from an earlier student-teacher or gcad model (<c>--teachers</c>), which must have the same layouts.
/// </summary>
internal static class PatchTeachers
{
    /// <summary>Images to distil on: the training images, their half-size zooms, and optionally synthetic good images.</summary>
    public static List<ImageF> PretrainingImages(IReadOnlyList<ImageF> train, int size, int largestField, string choice, int syntheticPerCategory, ulong seed)
    {
        var images = new List<ImageF>(train);
        if (size / 2 >= largestField) images.AddRange(train.Select(i => Resize.Bilinear(i, size / 2, size / 2)));
        if (choice == TeacherDataChoice.TrainAndSynthetic)
        {
            var generator = new Synth2DGenerator(new Synth2DOptions { Seed = seed, Size = size, TrainCount = syntheticPerCategory });
            foreach (var category in Synth2DGenerator.Categories)
            {
                var plan = generator.Plan(category).Where(p => p.Split == Split.Train).ToList();
                var rendered = new ImageF[plan.Count];
                Parallel.For(0, plan.Count, i => rendered[i] = RgbInput.Prepare(generator.Generate(category, plan[i]).Image, size));
                images.AddRange(rendered);
            }
        }
        return images;
    }

    /// <summary>Distils one teacher; the backbone stays frozen.</summary>
    public static Training.TrainingResult Distil(string method, ResNet18 backbone, PatchNetwork teacher, List<ImageF> images, IReadOnlyList<ImageF> validation,
        TrainingOptions options, JsonObject architecture, FitSinks sinks)
    {
        int p = teacher.Layout.ReceptiveField;
        var train = new TrainingImages(images, p, Augmentation.None, options.Seed);
        var val = validation.Count > 0 ? new TrainingImages([.. validation], p, Augmentation.None, options.Seed) : null;
        using var task = new TeacherPretrainingTask(backbone, teacher, options, architecture);
        foreach (var param in backbone.parameters()) param.requires_grad = false;
        backbone.eval();
        var result = Trainer.Run(method, task.Task, train, val, options, sinks.Progress, sinks.Epochs, sinks.Cancellation);
        teacher.eval();
        return result;
    }

    /// <summary>The teachers of <paramref name="layouts"/> from a model file, or a user error naming the file when it has other ones.</summary>
    public static PatchNetwork[] Read(string path, IReadOnlyList<PatchNetworkLayout> layouts, string method)
    {
        if (!File.Exists(path)) throw InspectaUserException.ForFile(path, $"{method}: --teachers: no such file.");
        var reader = ModelReader.Open(path);
        var p = reader.Parameters;
        int width = p["width"]?.GetValue<int>() ?? throw reader.Error("--teachers: the model records no patch-network 'width' (not a student-teacher or gcad model).");
        int dim = p["descriptor_dim"]?.GetValue<int>() ?? throw reader.Error("--teachers: the model records no 'descriptor_dim'.");
        var nets = new List<PatchNetwork>();
        try
        {
            foreach (var layout in layouts)
            {
                string prefix = $"p{layout.ReceptiveField}/teacher";
                bool present = reader.Manifest["arrays"]!.AsObject().Any(kv => kv.Key.StartsWith(prefix + "/", StringComparison.Ordinal));
                if (!present || width != layout.Width || dim != layout.DescriptorDim)
                    throw reader.Error($"--teachers: the teachers in this file do not match the students' architecture: this fit needs receptive field {layout.ReceptiveField}, " +
                                       $"width {layout.Width}, descriptor dim {layout.DescriptorDim}; the file has {(present ? "that receptive field" : "no teacher for it")}, width {width}, descriptor dim {dim}.");
                var net = new PatchNetwork(layout, "teacher");
                nets.Add(net);
                ModuleWeights.Load(net, prefix, reader);
                net.eval();
            }
            return [.. nets];
        }
        catch
        {
            foreach (var n in nets) n.Dispose();
            throw;
        }
    }
}

/// <summary>A fit's progress, epoch and cancellation sinks.</summary>
internal sealed record FitSinks(IProgress<ProgressUpdate>? Progress, IProgress<TrainingEpoch>? Epochs, CancellationToken Cancellation);
