// MSBuild inline task (RoslynCodeTaskFactory): marks one GLIBCXX version requirement of an ELF64 shared library as
// weak, so that the dynamic loader only warns when the host's libstdc++ lacks it. Used for TorchSharp's native
// library on Debian 12; see PatchLibTorchSharp.targets for why this is safe.
using System;
using System.IO;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

public class WeakenGlibcxxRequirement : Task
{
    [Required] public string LibraryPath { get; set; } = "";
    [Required] public string VersionName { get; set; } = "";
    [Output] public bool Patched { get; set; }

    private const uint ShtGnuVerneed = 0x6ffffffe;
    private const ushort VerFlgWeak = 0x2;

    private static readonly string[] LibStdCxxCandidates =
    {
        "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/lib/x86_64-linux-gnu/libstdc++.so.6",
        "/usr/lib64/libstdc++.so.6", "/usr/lib/libstdc++.so.6", "/usr/lib/aarch64-linux-gnu/libstdc++.so.6",
    };

    public override bool Execute()
    {
        if (HostProvides(VersionName))
        {
            Log.LogMessage(MessageImportance.Low, "host libstdc++ provides {0}; {1} left as is", VersionName, LibraryPath);
            return true;
        }
        var bytes = File.ReadAllBytes(LibraryPath);
        int entry;
        try { entry = FindVernaux(bytes, VersionName); }
        catch (Exception e) { Log.LogError("{0}: cannot read ELF version needs: {1}", LibraryPath, e.Message); return false; }
        if (entry < 0) return true; // the library does not need that version: nothing to do
        var flags = BitConverter.ToUInt16(bytes, entry + 4);
        if ((flags & VerFlgWeak) != 0) return true;
        BitConverter.GetBytes((ushort)(flags | VerFlgWeak)).CopyTo(bytes, entry + 4);
        // Write beside and rename, so a hard link into a package cache can never be modified through this path.
        var temp = LibraryPath + ".patching";
        File.WriteAllBytes(temp, bytes);
        File.Delete(LibraryPath);
        File.Move(temp, LibraryPath);
        Patched = true;
        Log.LogMessage(MessageImportance.High, "Marked {0} weak in {1} (host libstdc++ lacks it)", VersionName, LibraryPath);
        return true;
    }

    private static bool HostProvides(string version)
    {
        var needle = Encoding.ASCII.GetBytes(version + "\0");
        foreach (var path in LibStdCxxCandidates)
        {
            if (!File.Exists(path)) continue;
            var data = File.ReadAllBytes(path);
            return IndexOf(data, needle) >= 0;
        }
        return false; // no libstdc++ where we look: patching is harmless, the flag only relaxes a check
    }

    /// <summary>Offset of the Elf64_Vernaux entry naming <paramref name="version"/>, or -1.</summary>
    private static int FindVernaux(byte[] elf, string version)
    {
        if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F')
            throw new InvalidDataException("not an ELF file");
        if (elf[4] != 2 || elf[5] != 1) throw new InvalidDataException("not a little-endian ELF64 file");
        var shoff = (long)BitConverter.ToUInt64(elf, 0x28);
        int shentsize = BitConverter.ToUInt16(elf, 0x3A), shnum = BitConverter.ToUInt16(elf, 0x3C);
        for (var i = 0; i < shnum; i++)
        {
            var sh = (int)(shoff + (long)i * shentsize);
            if (BitConverter.ToUInt32(elf, sh + 4) != ShtGnuVerneed) continue;
            var secOffset = (int)BitConverter.ToUInt64(elf, sh + 0x18);
            var link = BitConverter.ToUInt32(elf, sh + 0x28);
            var count = BitConverter.ToUInt32(elf, sh + 0x2C);
            var strtab = (int)BitConverter.ToUInt64(elf, (int)(shoff + (long)link * shentsize) + 0x18);
            var vn = secOffset;
            for (var n = 0; n < count; n++)
            {
                int vnCnt = BitConverter.ToUInt16(elf, vn + 2);
                var aux = vn + (int)BitConverter.ToUInt32(elf, vn + 8);
                for (var a = 0; a < vnCnt; a++)
                {
                    var name = ReadCString(elf, strtab + (int)BitConverter.ToUInt32(elf, aux + 8));
                    if (name == version) return aux;
                    aux += (int)BitConverter.ToUInt32(elf, aux + 12);
                }
                vn += (int)BitConverter.ToUInt32(elf, vn + 12);
            }
        }
        return -1;
    }

    private static string ReadCString(byte[] data, int offset)
    {
        var end = offset;
        while (data[end] != 0) end++;
        return Encoding.ASCII.GetString(data, offset, end - offset);
    }

    private static int IndexOf(byte[] haystack, byte[] needle)
    {
        for (var i = 0; i <= haystack.Length - needle.Length; i++)
        {
            var j = 0;
            while (j < needle.Length && haystack[i + j] == needle[j]) j++;
            if (j == needle.Length) return i;
        }
        return -1;
    }
}
