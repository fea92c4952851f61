using Inspecta.Datasets;
using Inspecta.Detectors;
using Inspecta.Imaging;

namespace Inspecta.Torch.Training;

/// <summary>Training and validation images of a fit, decoded through a method's preprocessing.</summary>
public sealed record TrainingData(TrainingImages Train, TrainingImages? Validation, int TrainCount, int ValidationCount)
{
    /// <summary>
    /// Takes the good validation images of the fit (for the validation loss), else carves a seeded 10 % out of the training
    /// images (none when there is only one), decodes both and checks they share one channel count.
    /// </summary>
    public static TrainingData Prepare(string method, FitContext context, TrainingOptions options, Func<ImageF, ImageF> preprocess,
        int sampleSize, Augmentation augmentation)
    {
        var (good, ct) = (context.Train, context.Cancellation);
        if (good.Count == 0) throw new InspectaUserException($"{method}: no good training images.");
        IReadOnlyList<Sample> train = good, validation = [.. context.Validation.Where(s => s.IsGood)];
        if (validation.Count == 0 && good.Count >= 2) (train, validation) = ValidationSplit.Carve(good, (int)(options.Seed & int.MaxValue));
        var trainImages = TrainingImages.Load(train, preprocess, sampleSize, method, ct);
        var validationImages = TrainingImages.Load(validation, preprocess, sampleSize, method, ct);
        int channels = trainImages[0].Channels;
        var all = train.Concat(validation).ToList();
        var images = trainImages.Concat(validationImages).ToList();
        for (int i = 0; i < images.Count; i++)
            if (images[i].Channels != channels)
                throw InspectaUserException.ForFile(all[i].Path is { Length: > 0 } p ? p : all[i].ToString(),
                    $"{method}: the image has {images[i].Channels} channel(s) but {all[0]} has {channels}; all images of a fit need the same (or fit on grayscale).");
        return new TrainingData(
            new TrainingImages(trainImages, sampleSize, augmentation, options.Seed),
            validationImages.Count > 0 ? new TrainingImages(validationImages, sampleSize, Augmentation.None, options.Seed) : null,
            train.Count, validation.Count);
    }
}
