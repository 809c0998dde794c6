using System.Security.Cryptography;

namespace Iess.Identity.Tests.Infrastructure;

/// <summary>Key files as an operator writes them for production: RSA and EC private keys in PEM, AES keys in base64 (.key).</summary>
public static class KeyFiles
{
    public static string Rsa(string folder, string name)
    {
        using var rsa = RSA.Create(2048);
        return Write(folder, name, rsa.ExportPkcs8PrivateKeyPem());
    }

    /// <summary>An EC key in the "EC PRIVATE KEY" form (SEC 1) that <c>openssl ecparam -genkey</c> writes.</summary>
    public static string Ec(string folder, string name, ECCurve curve)
    {
        using var ec = ECDsa.Create(curve);
        return Write(folder, name, ec.ExportECPrivateKeyPem());
    }

    public static string Aes(string folder, string name, int bits = 256) =>
        Write(folder, name, Convert.ToBase64String(RandomNumberGenerator.GetBytes(bits / 8)) + "\n");

    private static string Write(string folder, string name, string content)
    {
        var path = Path.Combine(folder, name);
        File.WriteAllText(path, content);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        return path;
    }
}
