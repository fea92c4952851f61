// Compiled twice: as the MSBuild inline task of build/TorchSharpShim.targets (RoslynCodeTaskFactory, netstandard2.0
// surface, hence byte[] and BitConverter instead of spans) and into tests/Inspecta.Torch.Tests (ELFPATCH_NO_TASK).
#nullable enable
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;

namespace Inspecta.Build
{
    /// <summary>The ELF file is not what the patcher expects; nothing was written.</summary>
    public sealed class ElfPatchException : Exception
    {
        public ElfPatchException(string message) : base(message) { }
    }

    /// <summary>One <c>Vernaux</c> entry of <c>.gnu.version_r</c>: "this file needs version <see cref="Name"/> of <see cref="File"/>".</summary>
    public sealed class VersionNeed
    {
        public VersionNeed(string file, string name, ushort flags, ushort index, long offset)
        {
            File = file; Name = name; Flags = flags; Index = index; Offset = offset;
        }
        public string File { get; }
        public string Name { get; }
        public ushort Flags { get; }
        /// <summary>The version index that <c>.gnu.version</c> entries use to bind symbols to this version.</summary>
        public ushort Index { get; }
        /// <summary>File offset of the entry.</summary>
        public long Offset { get; }
        public bool IsWeak => (Flags & ElfVersionNeedPatcher.VerFlagWeak) != 0;
    }

    /// <summary>
    /// Reads the symbol-version tables of an x86-64 ELF shared object and, in a copy, marks one needed version weak.
    /// Why: TorchSharp 0.107's native shim was linked with GCC 13 and therefore needs <c>GLIBCXX_3.4.32</c>, but only for
    /// <c>std::ios_base_library_init</c>, a marker symbol that nothing calls or relocates against. Debian 12's libstdc++
    /// stops at 3.4.30, so the dynamic loader refuses the shim. A weak version need (<c>VER_FLG_WEAK</c>) that the
    /// system lacks is tolerated by the loader, and since no relocation uses the symbol nothing else changes.
    /// Every assumption is checked; anything unexpected throws <see cref="ElfPatchException"/>.
    /// </summary>
    public static class ElfVersionNeedPatcher
    {
        public const ushort VerFlagWeak = 0x2;
        private const uint ShtRela = 4, ShtRel = 9, ShtDynsym = 11;
        private const uint ShtGnuVerdef = 0x6ffffffd, ShtGnuVerneed = 0x6ffffffe, ShtGnuVersym = 0x6fffffff;

        /// <summary>The one version need we know how to drop, and the only symbol allowed to be bound to it.</summary>
        public const string MarkerVersion = "GLIBCXX_3.4.32";
        public const string MarkerSymbol = "_ZSt21ios_base_library_initv";
        public const string LibStdCxx = "libstdc++.so.6";

        private sealed class Section
        {
            public uint Type, Link, Info;
            public long Offset, Size, EntrySize;
        }

        /// <summary>Version names a library defines (<c>.gnu.version_d</c>), e.g. every GLIBCXX_x a libstdc++ provides.</summary>
        public static HashSet<string> ReadVersionDefinitions(byte[] elf)
        {
            var sections = ReadSections(elf);
            var verdef = sections.SingleOrDefault(s => s.Type == ShtGnuVerdef)
                ?? throw new ElfPatchException("the library has no .gnu.version_d section (no symbol versions defined).");
            var strings = StringTable(sections, verdef.Link, elf);
            var names = new HashSet<string>(StringComparer.Ordinal);
            long at = verdef.Offset;
            for (uint i = 0; i < verdef.Info; i++)
            {
                Require(elf, at, 20, "Verdef entry");
                ushort count = U16(elf, at + 6);
                uint aux = U32(elf, at + 12), next = U32(elf, at + 16);
                if (count > 0)
                {
                    Require(elf, at + aux, 8, "Verdaux entry");
                    names.Add(ReadString(elf, strings, U32(elf, at + aux)));
                }
                if (next == 0) break;
                at += next;
                if (at >= verdef.Offset + verdef.Size) throw new ElfPatchException("a Verdef entry points outside .gnu.version_d.");
            }
            return names;
        }

        /// <summary>Every version need of the file, in table order.</summary>
        public static List<VersionNeed> ReadVersionNeeds(byte[] elf)
        {
            var sections = ReadSections(elf);
            var verneed = sections.SingleOrDefault(s => s.Type == ShtGnuVerneed)
                ?? throw new ElfPatchException("the file has no .gnu.version_r section (no version needs).");
            return ReadNeeds(elf, sections, verneed);
        }

        /// <summary>
        /// The versions of libstdc++ the shim needs but the system library lacks. Empty: the shim loads as it is.
        /// </summary>
        public static List<string> MissingLibStdCxxVersions(byte[] shim, byte[] systemLibStdCxx)
        {
            var defined = ReadVersionDefinitions(systemLibStdCxx);
            return ReadVersionNeeds(shim).Where(n => n.File == LibStdCxx && !n.IsWeak && !defined.Contains(n.Name)).Select(n => n.Name).ToList();
        }

        /// <summary>
        /// Returns a copy of <paramref name="elf"/> whose need of <see cref="MarkerVersion"/> (from libstdc++) is weak.
        /// Refuses unless exactly one such need exists, its hash matches its name, the only dynamic symbol bound to it
        /// is <see cref="MarkerSymbol"/> (undefined), and no relocation refers to that symbol.
        /// </summary>
        public static byte[] WeakenMarkerNeed(byte[] elf)
        {
            var sections = ReadSections(elf);
            var verneed = sections.SingleOrDefault(s => s.Type == ShtGnuVerneed)
                ?? throw new ElfPatchException("the file has no .gnu.version_r section (no version needs).");
            var needs = ReadNeeds(elf, sections, verneed).Where(n => n.Name == MarkerVersion).ToList();
            if (needs.Count != 1) throw new ElfPatchException($"expected exactly one need of {MarkerVersion}, found {needs.Count}.");
            var need = needs[0];
            if (need.File != LibStdCxx) throw new ElfPatchException($"{MarkerVersion} is needed from '{need.File}', expected {LibStdCxx}.");
            if (need.IsWeak) throw new ElfPatchException($"the need of {MarkerVersion} is already weak.");
            if (U32(elf, need.Offset) != ElfHash(MarkerVersion)) throw new ElfPatchException($"the hash of the {MarkerVersion} entry does not match its name.");

            var dynsym = sections.SingleOrDefault(s => s.Type == ShtDynsym) ?? throw new ElfPatchException("the file has no .dynsym section.");
            var versym = sections.SingleOrDefault(s => s.Type == ShtGnuVersym) ?? throw new ElfPatchException("the file has no .gnu.version section.");
            if (dynsym.EntrySize != 24) throw new ElfPatchException($".dynsym entries are {dynsym.EntrySize} bytes, expected 24.");
            long symbolCount = dynsym.Size / 24;
            if (versym.Size != symbolCount * 2) throw new ElfPatchException(".gnu.version does not have one entry per dynamic symbol.");
            var symbolNames = StringTable(sections, dynsym.Link, elf);
            var bound = new List<long>();
            for (long i = 0; i < symbolCount; i++)
                if ((U16(elf, versym.Offset + 2 * i) & 0x7fff) == need.Index) bound.Add(i);
            if (bound.Count != 1) throw new ElfPatchException($"expected exactly one symbol bound to {MarkerVersion}, found {bound.Count}.");
            long symbol = bound[0], entry = dynsym.Offset + 24 * symbol;
            string name = ReadString(elf, symbolNames, U32(elf, entry));
            if (name != MarkerSymbol) throw new ElfPatchException($"the symbol bound to {MarkerVersion} is '{name}', expected {MarkerSymbol}.");
            if (U16(elf, entry + 6) != 0) throw new ElfPatchException($"{MarkerSymbol} is defined in this file, expected an undefined reference.");

            int dynsymIndex = sections.IndexOf(dynsym);
            foreach (var rel in sections.Where(s => (s.Type == ShtRela || s.Type == ShtRel) && s.Link == dynsymIndex))
            {
                long size = rel.Type == ShtRela ? 24 : 16;
                if (rel.EntrySize != size) throw new ElfPatchException($"a relocation section has {rel.EntrySize}-byte entries, expected {size}.");
                for (long at = rel.Offset; at < rel.Offset + rel.Size; at += size)
                    if ((long)(U64(elf, at + 8) >> 32) == symbol)
                        throw new ElfPatchException($"a relocation at file offset 0x{at:x} refers to {MarkerSymbol}: the symbol is used, so its version cannot be dropped.");
            }

            var copy = (byte[])elf.Clone();
            ushort flags = (ushort)(need.Flags | VerFlagWeak);
            copy[need.Offset + 4] = (byte)flags;
            copy[need.Offset + 5] = (byte)(flags >> 8);
            return copy;
        }

        /// <summary>The System V ELF hash, as stored in <c>vna_hash</c>.</summary>
        public static uint ElfHash(string name)
        {
            uint h = 0;
            foreach (byte c in Encoding.ASCII.GetBytes(name))
            {
                h = (h << 4) + c;
                uint g = h & 0xf0000000;
                if (g != 0) h ^= g >> 24;
                h &= ~g;
            }
            return h;
        }

        /// <summary>
        /// The libstdc++ the dynamic loader gives this process (dotnet itself links it), else the first one in the
        /// usual library folders. Null when none is found.
        /// </summary>
        public static string? FindSystemLibStdCxx()
        {
            try
            {
                foreach (string line in File.ReadLines("/proc/self/maps"))
                {
                    int slash = line.IndexOf('/');
                    if (slash >= 0 && Path.GetFileName(line.Substring(slash)).StartsWith(LibStdCxx, StringComparison.Ordinal)) return line.Substring(slash);
                }
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
            string[] folders = { "/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib64", "/usr/lib64", "/usr/lib", "/lib" };
            return folders.Select(f => Path.Combine(f, LibStdCxx)).FirstOrDefault(File.Exists);
        }

        private static List<VersionNeed> ReadNeeds(byte[] elf, List<Section> sections, Section verneed)
        {
            var strings = StringTable(sections, verneed.Link, elf);
            var needs = new List<VersionNeed>();
            long at = verneed.Offset, end = verneed.Offset + verneed.Size;
            for (uint i = 0; i < verneed.Info; i++)
            {
                Require(elf, at, 16, "Verneed entry");
                if (U16(elf, at) != 1) throw new ElfPatchException($"Verneed entry at 0x{at:x} has version {U16(elf, at)}, expected 1.");
                ushort count = U16(elf, at + 2);
                string file = ReadString(elf, strings, U32(elf, at + 4));
                long aux = at + U32(elf, at + 8);
                for (int k = 0; k < count; k++)
                {
                    if (aux < verneed.Offset || aux + 16 > end) throw new ElfPatchException("a Vernaux entry lies outside .gnu.version_r.");
                    needs.Add(new VersionNeed(file, ReadString(elf, strings, U32(elf, aux + 8)), U16(elf, aux + 4), U16(elf, aux + 6), aux));
                    uint nextAux = U32(elf, aux + 12);
                    if (nextAux == 0 && k != count - 1) throw new ElfPatchException($"the Vernaux chain of '{file}' ends after {k + 1} of {count} entries.");
                    aux += nextAux;
                }
                uint next = U32(elf, at + 12);
                if (next == 0) { if (i != verneed.Info - 1) throw new ElfPatchException($".gnu.version_r ends after {i + 1} of {verneed.Info} entries."); break; }
                at += next;
                if (at >= end) throw new ElfPatchException("a Verneed entry points outside .gnu.version_r.");
            }
            return needs;
        }

        private static List<Section> ReadSections(byte[] elf)
        {
            if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F')
                throw new ElfPatchException("not an ELF file.");
            if (elf[4] != 2) throw new ElfPatchException("not a 64-bit ELF file.");
            if (elf[5] != 1) throw new ElfPatchException("not a little-endian ELF file.");
            if (U16(elf, 16) != 3) throw new ElfPatchException($"ELF type {U16(elf, 16)} is not a shared object (3).");
            if (U16(elf, 18) != 62) throw new ElfPatchException($"ELF machine {U16(elf, 18)} is not x86-64 (62).");
            long shoff = (long)U64(elf, 0x28);
            ushort shentsize = U16(elf, 0x3a), shnum = U16(elf, 0x3c);
            if (shentsize != 64) throw new ElfPatchException($"section headers are {shentsize} bytes, expected 64.");
            if (shnum == 0 || shoff <= 0 || shoff + (long)shnum * 64 > elf.Length) throw new ElfPatchException("the section header table lies outside the file.");
            var sections = new List<Section>(shnum);
            for (int i = 0; i < shnum; i++)
            {
                long h = shoff + i * 64L;
                var s = new Section
                {
                    Type = U32(elf, h + 4),
                    Offset = (long)U64(elf, h + 24),
                    Size = (long)U64(elf, h + 32),
                    Link = U32(elf, h + 40),
                    Info = U32(elf, h + 44),
                    EntrySize = (long)U64(elf, h + 56),
                };
                const uint ShtNobits = 8;
                if (s.Type != ShtNobits && s.Type != 0 && (s.Offset < 0 || s.Size < 0 || s.Offset + s.Size > elf.Length))
                    throw new ElfPatchException($"section {i} lies outside the file.");
                sections.Add(s);
            }
            return sections;
        }

        private static Section StringTable(List<Section> sections, uint index, byte[] elf)
        {
            const uint ShtStrtab = 3;
            if (index >= sections.Count || sections[(int)index].Type != ShtStrtab) throw new ElfPatchException($"section {index} is not a string table.");
            return sections[(int)index];
        }

        private static string ReadString(byte[] elf, Section table, uint offset)
        {
            if (offset >= table.Size) throw new ElfPatchException("a name lies outside its string table.");
            long start = table.Offset + offset, end = start;
            while (end < table.Offset + table.Size && elf[end] != 0) end++;
            if (end == table.Offset + table.Size) throw new ElfPatchException("a name in a string table is not terminated.");
            return Encoding.ASCII.GetString(elf, (int)start, (int)(end - start));
        }

        private static void Require(byte[] elf, long at, int length, string what)
        {
            if (at < 0 || at + length > elf.Length) throw new ElfPatchException($"a {what} lies outside the file.");
        }

        private static ushort U16(byte[] b, long at) { Require(b, at, 2, "field"); return BitConverter.ToUInt16(b, (int)at); }
        private static uint U32(byte[] b, long at) { Require(b, at, 4, "field"); return BitConverter.ToUInt32(b, (int)at); }
        private static ulong U64(byte[] b, long at) { Require(b, at, 8, "field"); return BitConverter.ToUInt64(b, (int)at); }
    }

#if !ELFPATCH_NO_TASK
    /// <summary>
    /// MSBuild step: gives the build a loadable TorchSharp shim. When the system libstdc++ defines every version the
    /// shim needs, <see cref="Result"/> is the original; when it lacks only the marker version, a patched copy is written
    /// to <see cref="Destination"/> (a new file, never through the NuGet cache) and returned; anything else fails the build.
    /// </summary>
    public sealed class PatchTorchSharpShim : Microsoft.Build.Utilities.Task
    {
        [Microsoft.Build.Framework.Required] public string Shim { get; set; } = "";
        [Microsoft.Build.Framework.Required] public string Destination { get; set; } = "";
        [Microsoft.Build.Framework.Output] public string Result { get; set; } = "";

        public override bool Execute()
        {
            try
            {
                string? system = ElfVersionNeedPatcher.FindSystemLibStdCxx();
                if (system is null)
                {
                    Log.LogWarning($"No {ElfVersionNeedPatcher.LibStdCxx} found; using the TorchSharp shim unpatched.");
                    Result = Shim;
                    return true;
                }
                byte[] shim = File.ReadAllBytes(Shim);
                var missing = ElfVersionNeedPatcher.MissingLibStdCxxVersions(shim, File.ReadAllBytes(system));
                if (missing.Count == 0)
                {
                    Log.LogMessage(Microsoft.Build.Framework.MessageImportance.Low, $"{system} has every version {Shim} needs; no patch.");
                    Result = Shim;
                    return true;
                }
                if (missing.Count != 1 || missing[0] != ElfVersionNeedPatcher.MarkerVersion)
                {
                    Log.LogError($"{system} lacks {string.Join(", ", missing)}, which the TorchSharp shim {Shim} needs; only {ElfVersionNeedPatcher.MarkerVersion} can be patched away. TorchSharp cannot load on this system.");
                    return false;
                }
                byte[] patched = ElfVersionNeedPatcher.WeakenMarkerNeed(shim);
                Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(Destination))!);
                if (!File.Exists(Destination) || !File.ReadAllBytes(Destination).SequenceEqual(patched))
                {
                    string tmp = Destination + ".tmp";
                    if (File.Exists(Destination)) File.Delete(Destination); // a hard link into the cache must not be written through
                    File.WriteAllBytes(tmp, patched);
                    File.Move(tmp, Destination);
                }
                Log.LogMessage(Microsoft.Build.Framework.MessageImportance.Normal, $"{system} lacks {ElfVersionNeedPatcher.MarkerVersion}: using {Destination}, a copy of {Shim} whose need of it is weak.");
                Result = Destination;
                return true;
            }
            catch (ElfPatchException ex)
            {
                Log.LogError($"{Shim}: refusing to patch the TorchSharp shim: {ex.Message}");
                return false;
            }
        }
    }
#endif
}
