using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Server;

namespace Iess.Identity.Connect;

/// <summary>
/// Loads the signing and encryption keys: from files or the certificate store in Production (several at once
/// for rotation), or a key pair persisted under App_Data in Development so tokens survive a restart.
/// </summary>
internal static class ServerKeys
{
    public static void Configure(OpenIddictServerBuilder server, ConnectOptions options, IHostEnvironment environment, string developmentKeyFolder)
    {
        var signing = Load(options.SigningKeys, options.SigningCertificateThumbprints);
        var encryption = Load(options.EncryptionKeys, options.EncryptionCertificateThumbprints);

        if (signing.Count == 0 || encryption.Count == 0)
        {
            if (!environment.IsDevelopment())
            {
                throw new InvalidOperationException(
                    "No signing or encryption key is configured. Set Iess:Connect:SigningKeys:0:Path and " +
                    "Iess:Connect:EncryptionKeys:0:Path (PEM or PFX), or the certificate thumbprints, before starting in " +
                    $"{environment.EnvironmentName}.");
            }

            if (signing.Count == 0)
            {
                signing.Add(DevelopmentKey(Path.Combine(developmentKeyFolder, "signing.pem")));
            }

            if (encryption.Count == 0)
            {
                encryption.Add(DevelopmentKey(Path.Combine(developmentKeyFolder, "encryption.pem")));
            }
        }

        foreach (var key in signing)
        {
            if (key is X509SecurityKey certificate)
            {
                server.AddSigningCertificate(certificate.Certificate);
            }
            else
            {
                server.AddSigningKey(key);
            }
        }

        foreach (var key in encryption)
        {
            if (key is X509SecurityKey certificate)
            {
                server.AddEncryptionCertificate(certificate.Certificate);
            }
            else
            {
                server.AddEncryptionKey(key);
            }
        }
    }

    private static List<SecurityKey> Load(List<KeyFileOptions> files, List<string> thumbprints)
    {
        var keys = new List<SecurityKey>();
        foreach (var file in files)
        {
            keys.Add(FromFile(file));
        }

        foreach (var thumbprint in thumbprints)
        {
            using var store = new X509Store(StoreName.My, StoreLocation.CurrentUser);
            store.Open(OpenFlags.ReadOnly);
            var found = store.Certificates.Find(X509FindType.FindByThumbprint, thumbprint, validOnly: false);
            if (found.Count == 0)
            {
                throw new InvalidOperationException($"No certificate with thumbprint {thumbprint} in the CurrentUser/My store.");
            }

            keys.Add(new X509SecurityKey(found[0]));
        }

        return keys;
    }

    private static SecurityKey FromFile(KeyFileOptions file)
    {
        if (!File.Exists(file.Path))
        {
            throw new InvalidOperationException($"Key file '{file.Path}' does not exist.");
        }

        if (file.Path.EndsWith(".pfx", StringComparison.OrdinalIgnoreCase) || file.Path.EndsWith(".p12", StringComparison.OrdinalIgnoreCase))
        {
            return new X509SecurityKey(X509CertificateLoader.LoadPkcs12FromFile(file.Path, file.Password));
        }

        var pem = File.ReadAllText(file.Path);
        if (pem.Contains("BEGIN CERTIFICATE", StringComparison.Ordinal))
        {
            return new X509SecurityKey(X509Certificate2.CreateFromPem(pem, pem));
        }

        return RsaKey(pem);
    }

    private static SecurityKey DevelopmentKey(string path)
    {
        if (!File.Exists(path))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            using var rsa = RSA.Create(2048);
            var temporary = path + ".tmp";
            File.WriteAllText(temporary, rsa.ExportPkcs8PrivateKeyPem());
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }

            try
            {
                File.Move(temporary, path, overwrite: false);
            }
            catch (IOException) when (File.Exists(path))
            {
                // Another process wrote it first; use theirs so both agree.
                File.Delete(temporary);
            }
        }

        return RsaKey(File.ReadAllText(path));
    }

    private static RsaSecurityKey RsaKey(string pem)
    {
        var rsa = RSA.Create();
        rsa.ImportFromPem(pem);
        var parameters = rsa.ExportParameters(false);
        var kid = Base64UrlEncoder.Encode(SHA256.HashData([.. parameters.Modulus!, .. parameters.Exponent!]))[..16];
        return new RsaSecurityKey(rsa) { KeyId = kid };
    }
}
