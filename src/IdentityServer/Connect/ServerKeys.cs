using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Server;

namespace Iess.Identity.Connect;

/// <summary>
/// Loads the signing and encryption keys: from files or the certificate store in Production (several at once
/// for rotation), or keys persisted under App_Data in Development so tokens survive a restart.
/// </summary>
/// <remarks>
/// Signing keys are RSA (identity tokens, RS256) and optionally EC P-256 (every other token, ES256: an ECDSA
/// signature costs a small fraction of an RSA one). Encryption keys are RSA or a 256-bit AES key in a <c>.key</c>
/// file (one line, base64): with an AES key, codes and refresh tokens are sealed with A256KW instead of RSA-OAEP.
/// </remarks>
internal static class ServerKeys
{
    /// <summary>The extension of a file holding a base64-encoded 256-bit AES key.</summary>
    public const string SymmetricKeyExtension = ".key";

    private const string RsaOid = "1.2.840.113549.1.1.1";
    private const string EcOid = "1.2.840.10045.2.1";

    public static void Configure(OpenIddictServerBuilder server, ConnectOptions options, IHostEnvironment environment, string developmentKeyFolder)
    {
        var signing = Load(options.SigningKeys, options.SigningCertificateThumbprints);
        var encryption = Load(options.EncryptionKeys, options.EncryptionCertificateThumbprints);

        if (signing.Count == 0 || encryption.Count == 0)
        {
            if (!environment.IsDevelopment())
            {
                throw new InvalidOperationException(
                    "No signing or encryption key is configured. Set Iess:Connect:SigningKeys:0:Path (RSA PEM or PFX; an EC " +
                    "P-256 PEM beside it) and Iess:Connect:EncryptionKeys:0:Path (a .key file with a base64 AES-256 key, or " +
                    $"an RSA PEM or PFX), or the certificate thumbprints, before starting in {environment.EnvironmentName}.");
            }

            if (signing.Count == 0)
            {
                signing.Add(DevelopmentKey(Path.Combine(developmentKeyFolder, "signing.pem"), NewRsaPem));
                signing.Add(DevelopmentKey(Path.Combine(developmentKeyFolder, "signing-ec.pem"), NewEcPem));
            }

            if (encryption.Count == 0)
            {
                encryption.Add(DevelopmentKey(Path.Combine(developmentKeyFolder, "encryption" + SymmetricKeyExtension), NewAesKey));
            }
        }

        if (signing.Any(key => key is SymmetricSecurityKey))
        {
            throw new InvalidOperationException(
                $"Iess:Connect:SigningKeys holds a {SymmetricKeyExtension} file: AES keys only encrypt (Iess:Connect:EncryptionKeys); " +
                "signing keys are RSA or EC P-256 PEM or PFX files, whose public halves are published.");
        }

        if (!signing.Any(IsRsa))
        {
            throw new InvalidOperationException(
                "None of the signing keys (Iess:Connect:SigningKeys, SigningCertificateThumbprints) is RSA: identity tokens are " +
                "signed RS256, the algorithm every OpenID Connect client must accept. Add an RSA key; EC P-256 keys sign the other tokens.");
        }

        if (encryption.Any(IsEc))
        {
            throw new InvalidOperationException(
                $"Iess:Connect:EncryptionKeys holds an EC key: encryption keys are a {SymmetricKeyExtension} file (base64 AES-256) or RSA PEM or PFX files.");
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

        if (signing.Any(IsEc))
        {
            server.AddEventHandler(SignWithEcExceptIdentityTokens.Descriptor);
        }
    }

    private static bool IsRsa(SecurityKey key) =>
        key is RsaSecurityKey || key is X509SecurityKey { Certificate: var certificate } && certificate.GetKeyAlgorithm() == RsaOid;

    private static bool IsEc(SecurityKey key) =>
        key is ECDsaSecurityKey || key is X509SecurityKey { Certificate: var certificate } && certificate.GetKeyAlgorithm() == EcOid;

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

            keys.Add(Certificate(found[0], $"thumbprint {thumbprint}"));
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
            return Certificate(X509CertificateLoader.LoadPkcs12FromFile(file.Path, file.Password), file.Path);
        }

        var text = File.ReadAllText(file.Path);
        if (file.Path.EndsWith(SymmetricKeyExtension, StringComparison.OrdinalIgnoreCase))
        {
            return AesKey(text, file.Path);
        }

        if (text.Contains("BEGIN CERTIFICATE", StringComparison.Ordinal))
        {
            return Certificate(X509Certificate2.CreateFromPem(text, text), file.Path);
        }

        return PrivateKey(text, file.Path);
    }

    /// <summary>An RSA or EC P-256 private key in PEM: PKCS#8 "PRIVATE KEY", "RSA PRIVATE KEY" or "EC PRIVATE KEY".</summary>
    private static AsymmetricSecurityKey PrivateKey(string pem, string source)
    {
        if (!PemEncoding.TryFind(pem, out var fields))
        {
            throw new InvalidOperationException($"Key file '{source}' holds no PEM block.");
        }

        var algorithm = pem[fields.Label] switch
        {
            "RSA PRIVATE KEY" => RsaOid,
            "EC PRIVATE KEY" => EcOid,
            "PRIVATE KEY" => Pkcs8Algorithm(Convert.FromBase64String(pem[fields.Base64Data])),
            var label => throw new InvalidOperationException($"Key file '{source}' holds a \"{label}\" block; expected a private key or a certificate."),
        };

        switch (algorithm)
        {
            case RsaOid:
                var rsa = RSA.Create();
                rsa.ImportFromPem(pem);
                var parameters = rsa.ExportParameters(false);
                return new RsaSecurityKey(rsa) { KeyId = KeyId([.. parameters.Modulus!, .. parameters.Exponent!]) };
            case EcOid:
                var ecdsa = ECDsa.Create();
                ecdsa.ImportFromPem(pem);
                var point = RequireP256(ecdsa, source).Q;
                return new ECDsaSecurityKey(ecdsa) { KeyId = KeyId([.. point.X!, .. point.Y!]) };
            default:
                throw new InvalidOperationException($"Key file '{source}' holds a key of algorithm {algorithm}; only RSA and EC P-256 keys are supported.");
        }
    }

    private static string Pkcs8Algorithm(byte[] der)
    {
        // PrivateKeyInfo ::= SEQUENCE { version INTEGER, privateKeyAlgorithm SEQUENCE { algorithm OID, ... }, privateKey OCTET STRING }
        var info = new AsnReader(der, AsnEncodingRules.DER).ReadSequence();
        info.ReadInteger();
        return info.ReadSequence().ReadObjectIdentifier();
    }

    private static X509SecurityKey Certificate(X509Certificate2 certificate, string source)
    {
        if (certificate.GetECDsaPublicKey() is { } ecdsa)
        {
            using (ecdsa)
            {
                RequireP256(ecdsa, source);
            }
        }

        return new X509SecurityKey(certificate);
    }

    private static ECParameters RequireP256(ECDsa ecdsa, string source)
    {
        var parameters = ecdsa.ExportParameters(false);
        if (parameters.Curve.Oid?.Value != ECCurve.NamedCurves.nistP256.Oid.Value)
        {
            throw new InvalidOperationException(
                $"Key '{source}' is an EC key on curve {parameters.Curve.Oid?.FriendlyName ?? parameters.Curve.Oid?.Value ?? "(unnamed)"}; " +
                "only P-256 (ES256) is supported.");
        }

        return parameters;
    }

    private static SymmetricSecurityKey AesKey(string text, string source)
    {
        byte[] key;
        try
        {
            key = Convert.FromBase64String(text.Trim());
        }
        catch (FormatException)
        {
            throw new InvalidOperationException($"Key file '{source}' must hold one line: a base64-encoded 256-bit AES key (openssl rand -base64 32).");
        }

        if (key.Length != 32)
        {
            throw new InvalidOperationException(
                $"Key file '{source}' holds a {key.Length * 8}-bit key; an AES encryption key must be exactly 256 bits (openssl rand -base64 32).");
        }

        // The identifier names the key in each token's header without revealing it (SHA-256 of a random key).
        return new SymmetricSecurityKey(key) { KeyId = KeyId(key) };
    }

    /// <summary>A stable key identifier from the key's public part, so every node and every restart agree.</summary>
    private static string KeyId(byte[] publicPart) => Base64UrlEncoder.Encode(SHA256.HashData(publicPart))[..16];

    private static SecurityKey DevelopmentKey(string path, Func<string> create)
    {
        if (!File.Exists(path))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var temporary = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
            File.WriteAllText(temporary, create());
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

        return FromFile(new KeyFileOptions { Path = path });
    }

    private static string NewRsaPem()
    {
        using var rsa = RSA.Create(2048);
        return rsa.ExportPkcs8PrivateKeyPem();
    }

    private static string NewEcPem()
    {
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return ecdsa.ExportPkcs8PrivateKeyPem();
    }

    private static string NewAesKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)) + "\n";
}
