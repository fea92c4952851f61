using Inspecta.Imaging;
using Inspecta.Tests.Infrastructure;

namespace Inspecta.Tests.Imaging;

/// <summary>Runs alone: it swaps the process-wide Console.Error.</summary>
[CollectionDefinition(nameof(ConsoleRedirectCollection), DisableParallelization = true)]
public sealed class ConsoleRedirectCollection;

[Collection(nameof(ConsoleRedirectCollection))]
public class TiffErrorOutputTests
{
    [Fact]
    public void CorruptTiffRaisesAUserErrorAndPrintsNothing()
    {
        using var dir = new TempDir();
        ImageIO.WriteTiff(dir["ok.tiff"], new ImageF(1, 40, 40));
        byte[] bytes = File.ReadAllBytes(dir["ok.tiff"]);
        File.WriteAllBytes(dir["cut.tiff"], bytes.AsSpan(0, 100).ToArray());
        var original = Console.Error;
        var captured = new StringWriter();
        Console.SetError(captured);
        try
        {
            var ex = Assert.Throws<InspectaUserException>(() => ImageIO.Read(dir["cut.tiff"]));
            Assert.StartsWith(dir["cut.tiff"], ex.Message);
            Assert.Throws<InspectaUserException>(() => ImageIO.ReadInfo(dir["cut.tiff"]));
        }
        finally { Console.SetError(original); }
        Assert.Equal("", captured.ToString());
    }
}
