using Cremi.Learning.IO;
using System.Collections;
using System.IO.Compression;
using TorchSharp;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace Cremi.Learning.Weights;

/// <summary>
/// Reads and writes module weights: PyTorch state_dicts (<c>torch.save(model.state_dict(), path)</c>, zip format)
/// through TorchSharp.PyBridge, and TorchSharp's own format. Every failure names the file and what is wrong
/// (missing or unexpected keys, shape mismatches, a file that is not a state_dict).
/// </summary>
public static class WeightFiles
{
    /// <summary>
    /// Loads a PyTorch state_dict into <paramref name="module"/> (strict: same keys, same shapes; dtypes are converted).
    /// The module is left untouched when the file does not match.
    /// </summary>
    public static void LoadPyTorch(nn.Module module, string path)
    {
        var saved = ReadPyTorchStateDict(path);
        try
        {
            using var scope = NewDisposeScope();
            var target = module.state_dict();
            CheckMatch(path, target.ToDictionary(kv => kv.Key, kv => kv.Value.shape), saved.ToDictionary(kv => kv.Key, kv => kv.Value.shape));
            using (no_grad())
                foreach (var (key, value) in saved) target[key].copy_(value);
        }
        finally
        {
            foreach (var tensor in saved.Values) tensor.Dispose();
        }
    }

    /// <summary>Writes the module's state_dict in PyTorch's zip format (atomically: a temporary file, then a rename).</summary>
    public static void SavePyTorch(nn.Module module, string path) =>
        AtomicWrite.To(path, temporary => module.save_py(temporary));

    /// <summary>Loads TorchSharp's own format (<c>module.save</c>), checking keys and shapes first.</summary>
    public static void LoadTorchSharp(nn.Module module, string path)
    {
        RequireFile(path);
        var loaded = new Dictionary<string, bool>();
        try
        {
            // strict: false so that the mismatch is reported by CheckMatch with names, not a bare "not identical"
            module.load(path, strict: false, loadedParameters: loaded);
        }
        catch (Exception e) when (e is not IOException)
        {
            throw new InvalidDataException($"{path}: not a TorchSharp weights file for this model ({e.Message})", e);
        }
        var expected = module.state_dict().Keys.ToHashSet();
        var missing = expected.Where(k => !loaded.ContainsKey(k)).ToList();
        var unexpected = loaded.Keys.Where(k => !expected.Contains(k)).ToList();
        if (missing.Count > 0 || unexpected.Count > 0)
            throw new InvalidDataException($"{path}: does not match the model: {Describe(missing, unexpected, [])}");
    }

    /// <summary>Writes TorchSharp's own format (atomically).</summary>
    public static void SaveTorchSharp(nn.Module module, string path) =>
        AtomicWrite.To(path, temporary => module.save(temporary));

    /// <summary>The tensors of a PyTorch state_dict file, by key (the caller disposes them).</summary>
    public static Dictionary<string, Tensor> ReadPyTorchStateDict(string path)
    {
        RequireFile(path);
        if (!IsZip(path))
            throw new InvalidDataException(
                $"{path}: not a PyTorch zip-format file; save it with torch.save(model.state_dict(), path) " +
                "(PyTorch ≥ 1.6, or _use_new_zipfile_serialization=True)");
        Hashtable table;
        try
        {
            table = PyTorchUnpickler.UnpickleStateDict(path);
        }
        catch (Exception e) when (e is not IOException)
        {
            throw new InvalidDataException($"{path}: cannot read a state_dict from it ({e.GetType().Name}: {e.Message}); " +
                                           "save the model's state_dict(), not the whole model object", e);
        }
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in table)
        {
            if (entry.Key is not string key || entry.Value is not Tensor tensor)
            {
                foreach (var t in result.Values) t.Dispose();
                throw new InvalidDataException($"{path}: entry '{entry.Key}' is not a tensor; a state_dict maps names to tensors");
            }
            result[key] = tensor;
        }
        return result;
    }

    /// <summary>Throws when keys or shapes differ, listing every difference.</summary>
    public static void CheckMatch(string path, IReadOnlyDictionary<string, long[]> expected, IReadOnlyDictionary<string, long[]> found)
    {
        var missing = expected.Keys.Where(k => !found.ContainsKey(k)).ToList();
        var unexpected = found.Keys.Where(k => !expected.ContainsKey(k)).Order(StringComparer.Ordinal).ToList();
        var shapes = expected.Where(kv => found.TryGetValue(kv.Key, out var s) && !s.SequenceEqual(kv.Value))
            .Select(kv => $"{kv.Key} is ({string.Join(",", found[kv.Key])}) in the file but ({string.Join(",", kv.Value)}) in the model")
            .ToList();
        if (missing.Count + unexpected.Count + shapes.Count > 0)
            throw new InvalidDataException(
                $"{path}: the state_dict does not match the model ({found.Count} keys in the file, {expected.Count} in the model): " +
                Describe(missing, unexpected, shapes));
    }

    private static string Describe(List<string> missing, List<string> unexpected, List<string> shapes)
    {
        static string List(List<string> items) =>
            string.Join(", ", items.Take(10)) + (items.Count > 10 ? $", ... ({items.Count - 10} more)" : "");
        var parts = new List<string>();
        if (missing.Count > 0) parts.Add($"missing keys: {List(missing)}");
        if (unexpected.Count > 0) parts.Add($"unexpected keys: {List(unexpected)}");
        if (shapes.Count > 0) parts.Add($"shape mismatch: {List(shapes)}");
        return string.Join("; ", parts) + (missing.Count > 0 || unexpected.Count > 0
            ? " (is it the state_dict of another architecture or filter count?)" : "");
    }

    private static void RequireFile(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: weights file not found", path);
    }

    private static bool IsZip(string path)
    {
        try
        {
            using var zip = ZipFile.OpenRead(path);
            return zip.Entries.Count > 0;
        }
        catch (InvalidDataException)
        {
            return false;
        }
    }
}
