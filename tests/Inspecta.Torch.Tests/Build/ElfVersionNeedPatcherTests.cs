using Inspecta.Build;

namespace Inspecta.Torch.Tests.Build;

/// <summary>The shim patch on the real TorchSharp shim and on crafted or corrupted copies of it.</summary>
public class ElfVersionNeedPatcherTests
{
    private static readonly string PackageShim = Path.Combine(
        Environment.GetEnvironmentVariable("NUGET_PACKAGES") ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages"),
        "torchsharp", "0.107.0", "runtimes", "linux-x64", "native", "libLibTorchSharp.so");

    private static byte[] Shim() => File.ReadAllBytes(PackageShim);

    private static VersionNeed Marker(byte[] elf) => ElfVersionNeedPatcher.ReadVersionNeeds(elf).Single(n => n.Name == ElfVersionNeedPatcher.MarkerVersion);

    [Fact]
    public void ReadsTheShimsVersionNeeds()
    {
        var needs = ElfVersionNeedPatcher.ReadVersionNeeds(Shim());
        Assert.Contains(needs, n => n.File == "libc.so.6" && n.Name == "GLIBC_2.34");
        var marker = Marker(Shim());
        Assert.Equal("libstdc++.so.6", marker.File);
        Assert.False(marker.IsWeak);
        Assert.Equal(20, needs.Count(n => n.File == "libstdc++.so.6"));
    }

    [Fact]
    public void WeakensExactlyOneFlagByte()
    {
        byte[] original = Shim();
        byte[] patched = ElfVersionNeedPatcher.WeakenMarkerNeed(original);
        var diff = Enumerable.Range(0, original.Length).Where(i => original[i] != patched[i]).ToArray();
        Assert.Single(diff);
        Assert.Equal(Marker(original).Offset + 4, diff[0]);
        Assert.True(Marker(patched).IsWeak);
        // Every other need is unchanged, and the copy is not patched twice.
        Assert.Equal(ElfVersionNeedPatcher.ReadVersionNeeds(original).Count(n => n.IsWeak) + 1, ElfVersionNeedPatcher.ReadVersionNeeds(patched).Count(n => n.IsWeak));
        Assert.Throws<ElfPatchException>(() => ElfVersionNeedPatcher.WeakenMarkerNeed(patched));
    }

    [Fact]
    public void TheSystemLibStdCxxIsReadFromItsVersionDefinitions()
    {
        string? system = ElfVersionNeedPatcher.FindSystemLibStdCxx();
        Assert.NotNull(system);
        var defined = ElfVersionNeedPatcher.ReadVersionDefinitions(File.ReadAllBytes(system));
        Assert.Contains("GLIBCXX_3.4", defined);
        Assert.Contains("CXXABI_1.3", defined);
        var missing = ElfVersionNeedPatcher.MissingLibStdCxxVersions(Shim(), File.ReadAllBytes(system));
        // Debian 12 lacks exactly the marker version; a newer system lacks nothing.
        Assert.True(missing.Count == 0 || missing.SequenceEqual([ElfVersionNeedPatcher.MarkerVersion]), string.Join(", ", missing));
        Assert.Equal(defined.Contains(ElfVersionNeedPatcher.MarkerVersion), missing.Count == 0);
    }

    [Fact]
    public void RefusesNonElfAndTruncatedFiles()
    {
        Assert.Throws<ElfPatchException>(() => ElfVersionNeedPatcher.WeakenMarkerNeed("not an elf file at all, just text......................................."u8.ToArray()));
        Assert.Throws<ElfPatchException>(() => ElfVersionNeedPatcher.WeakenMarkerNeed(Shim()[..4096]));
        byte[] wrongMachine = Shim();
        wrongMachine[18] = 183; // aarch64
        Assert.Contains("x86-64", Assert.Throws<ElfPatchException>(() => ElfVersionNeedPatcher.WeakenMarkerNeed(wrongMachine)).Message);
    }

    [Fact]
    public void RefusesWhenTheHashDoesNotMatchTheName()
    {
        byte[] elf = Shim();
        elf[Marker(elf).Offset] ^= 1;
        Assert.Contains("hash", Assert.Throws<ElfPatchException>(() => ElfVersionNeedPatcher.WeakenMarkerNeed(elf)).Message);
    }

    [Fact]
    public void RefusesWhenAnotherSymbolIsBoundToTheVersion()
    {
        // Rebind a second symbol's version index to the marker's: the version is then really used.
        byte[] elf = Shim();
        var marker = Marker(elf);
        var (versymOffset, count) = VersymTable(elf);
        for (int i = 1; i < count; i++)
        {
            long at = versymOffset + 2 * i;
            int index = BitConverter.ToUInt16(elf, (int)at) & 0x7fff;
            if (index > 1 && index != marker.Index)
            {
                BitConverter.GetBytes(marker.Index).CopyTo(elf, at);
                break;
            }
        }
        Assert.Contains("exactly one symbol", Assert.Throws<ElfPatchException>(() => ElfVersionNeedPatcher.WeakenMarkerNeed(elf)).Message);
    }

    [Fact]
    public void RefusesWhenARelocationUsesTheMarkerSymbol()
    {
        byte[] elf = Shim();
        var marker = Marker(elf);
        var (versymOffset, count) = VersymTable(elf);
        long symbol = Enumerable.Range(0, count).First(i => (BitConverter.ToUInt16(elf, (int)(versymOffset + 2 * i)) & 0x7fff) == marker.Index);
        // Point the first dynamic relocation with a symbol at the marker symbol.
        foreach (var (offset, size) in Sections(elf).Where(s => s.Type == 4).Select(s => (s.Offset, s.Size)))
            for (long at = offset; at < offset + size; at += 24)
                if (BitConverter.ToUInt64(elf, (int)at + 8) >> 32 != 0)
                {
                    ulong info = BitConverter.ToUInt64(elf, (int)at + 8);
                    BitConverter.GetBytes(((ulong)symbol << 32) | (info & 0xffffffff)).CopyTo(elf, at + 8);
                    Assert.Contains("relocation", Assert.Throws<ElfPatchException>(() => ElfVersionNeedPatcher.WeakenMarkerNeed(elf)).Message);
                    return;
                }
        Assert.Fail("the shim has no symbol relocations");
    }

    [Fact]
    public void RefusesAVernauxChainPointingOutsideItsSection()
    {
        byte[] elf = Shim();
        var marker = Marker(elf);
        BitConverter.GetBytes(0x7fff0000u).CopyTo(elf, marker.Offset + 12);
        Assert.Throws<ElfPatchException>(() => ElfVersionNeedPatcher.WeakenMarkerNeed(elf));
    }

    [Fact]
    public void ElfHashMatchesTheStoredHashes()
    {
        byte[] elf = Shim();
        foreach (var need in ElfVersionNeedPatcher.ReadVersionNeeds(elf))
            Assert.Equal(BitConverter.ToUInt32(elf, (int)need.Offset), ElfVersionNeedPatcher.ElfHash(need.Name));
    }

    [Fact]
    public void TheBuildCopiesAPatchedShimOnlyWhenTheSystemNeedsIt()
    {
        // What this test process loaded: the output folder's shim, never the package's. A RID build (this project's) copies
        // it to the output root (NativeCopyLocalItems), a RID-less one under runtimes/ (RuntimeTargetsCopyLocalItems).
        string output = Path.Combine(AppContext.BaseDirectory, "libLibTorchSharp.so");
        if (!File.Exists(output)) output = Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        Assert.True(File.Exists(output), output);
        byte[] copied = File.ReadAllBytes(output);
        var missing = ElfVersionNeedPatcher.MissingLibStdCxxVersions(Shim(), File.ReadAllBytes(ElfVersionNeedPatcher.FindSystemLibStdCxx()!));
        Assert.Equal(missing.Count > 0, Marker(copied).IsWeak);
        Assert.False(Marker(Shim()).IsWeak); // the NuGet cache is untouched
    }

    private sealed record SectionHeader(uint Type, long Offset, long Size);

    private static List<SectionHeader> Sections(byte[] elf)
    {
        long shoff = (long)BitConverter.ToUInt64(elf, 0x28);
        int shnum = BitConverter.ToUInt16(elf, 0x3c);
        return Enumerable.Range(0, shnum).Select(i => shoff + 64L * i)
            .Select(h => new SectionHeader(BitConverter.ToUInt32(elf, (int)h + 4), (long)BitConverter.ToUInt64(elf, (int)h + 24), (long)BitConverter.ToUInt64(elf, (int)h + 32)))
            .ToList();
    }

    private static (long Offset, int Count) VersymTable(byte[] elf)
    {
        var versym = Sections(elf).Single(s => s.Type == 0x6fffffff);
        return (versym.Offset, (int)(versym.Size / 2));
    }
}
