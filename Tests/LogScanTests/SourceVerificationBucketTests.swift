import Foundation
import Testing
@testable import LogScan

/// source-controller failures that had no signature (trial 16 defect 5): an OCIRepository whose
/// signature does not verify (ocirepository_controller.go: `failed to verify the signature using
/// provider '%s': %w`, reason VerificationError; internal/oci/cosign/cosign.go: `no matching
/// signatures were found for '%s'`), and a Bucket whose credentials are refused or whose bucket
/// does not exist (bucket_controller.go fetchEtagIndex: `failed to confirm existence of '%s'
/// bucket: %w`, `bucket '%s' not found`). Records are source-controller's `Reconciler error`
/// (FLUX-LOGS.md 3.1).
@Suite struct SourceVerificationBucketTests {
    /// source-controller's `Reconciler error` for `kind` namespace/name.
    static func reconcilerError(_ ts: String, kind: String, namespace: String, name: String, _ error: String) -> String {
        #"{"level":"error","ts":"\#(ts)","msg":"Reconciler error","controller":"\#(kind.lowercased())","controllerGroup":"source.toolkit.fluxcd.io","controllerKind":"\#(kind)","\#(kind)":{"name":"\#(name)","namespace":"\#(namespace)"},"namespace":"\#(namespace)","name":"\#(name)","reconcileID":"9d8c7b6a-5f4e-4d3c-2b1a-0f9e8d7c6b5a","error":"\#(error.replacingOccurrences(of: "\"", with: "\\\""))"}"#
    }

    /// Two retries five minutes apart, scanned and diagnosed.
    static func incidents(kind: String, namespace: String, name: String, _ error: String) throws -> [Incident] {
        try TransientTests.incidents([("source-controller.log", [
            reconcilerError("2026-11-24T10:15:41.002Z", kind: kind, namespace: namespace, name: name, error),
            reconcilerError("2026-11-24T10:20:41.002Z", kind: kind, namespace: namespace, name: name, error),
        ])])
    }

    // MARK: OCIRepository signature verification

    /// The reporter's line, and cosign keyless (no spec.verify.secretRef: provider "cosign keyless").
    @Test(arguments: [
        ("failed to verify the signature using provider 'cosign': no matching signatures were found for 'ghcr.io/acme/tenant-a@sha256:1bb62840aa00bb11cc22dd33ee44ff5566778899aabbccddeeff001122334455'", "cosign"),
        ("failed to verify the signature using provider 'cosign keyless': no matching signatures were found for 'ghcr.io/acme/tenant-a:v2'", "cosign keyless"),
    ])
    func anUnverifiedSignatureIsNamedWithVerifySteps(_ error: String, provider: String) throws {
        let found = try Self.incidents(kind: "OCIRepository", namespace: "tenant-a", name: "tenant-a", error)
        #expect(found.count == 1)
        let incident = try #require(found.first)
        #expect(!incident.title.hasPrefix("Reconciler error"), "\(incident.title)")
        let signal = try #require(incident.signals.first { $0.signature == "source-signature-unverified" })
        #expect(signal.captures["provider"] == provider)
        #expect(signal.captures["reason"]?.hasPrefix("no matching signatures were found for 'ghcr.io/acme/tenant-a") == true)
        let first = try #require(incident.hypotheses.first)
        #expect(first.id == "source-signature-unverified")
        #expect(first.checks.contains { $0.hasPrefix("kubectl -n tenant-a get ocirepository tenant-a -o jsonpath=") && $0.contains("{.spec.verify}") }, "\(first.checks)")
        #expect(first.checks.contains { $0.hasPrefix("cosign verify --key cosign.pub ") })
        #expect(first.remediation.contains { $0.contains("spec.verify.matchOIDCIdentity") })
        #expect(first.remediation.contains { $0 == "Then retry at once: flux reconcile source oci tenant-a -n tenant-a" })
    }

    // MARK: Bucket credentials

    /// The reporter's line (minio-go's InvalidAccessKeyId message), a wrong secret key, a key that
    /// may not list the bucket, and GCS's 403.
    @Test(arguments: [
        "failed to confirm existence of 'prod-manifests' bucket: The Access Key Id you provided does not exist in our records.",
        "failed to confirm existence of 'prod-manifests' bucket: The request signature we calculated does not match the signature you provided. Check your key and signing method.",
        "indexation of objects from bucket 'prod-manifests' failed: listing objects from bucket 'prod-manifests' failed: Access Denied.",
        "failed to confirm existence of 'prod-manifests' bucket: googleapi: Error 403: flux@acme.iam.gserviceaccount.com does not have storage.buckets.get access to the Google Cloud Storage bucket., forbidden",
    ])
    func aRefusedBucketKeyIsACredentialsFailure(_ error: String) throws {
        let found = try Self.incidents(kind: "Bucket", namespace: "flux-system", name: "manifests", error)
        #expect(found.count == 1)
        let incident = try #require(found.first)
        #expect(incident.title.hasPrefix("The storage bucket rejects the credentials"), "\(incident.title)")
        let signal = try #require(incident.signals.first { $0.signature == "bucket-auth-failed" })
        #expect(signal.captures["bucket"] == "prod-manifests")
        let first = try #require(incident.hypotheses.first)
        #expect(first.id == "registry-auth-failed")
        #expect(first.checks.contains { $0.hasPrefix("kubectl -n flux-system get bucket manifests -o jsonpath=") }, "\(first.checks)")
        #expect(first.remediation.contains { $0.contains("--from-literal=accesskey=<id> --from-literal=secretkey=<key>") })
        #expect(first.remediation.contains { $0 == "Then retry at once: flux reconcile source bucket manifests" })
        // A Bucket is no registry: no docker-registry secret, no OCI steps.
        #expect(!(first.checks + first.remediation).contains { $0.contains("flux create secret oci") || $0.contains(".dockerconfigjson") || $0.contains("flux get sources oci") })
    }

    // MARK: Bucket secret

    /// source-controller validates the Bucket's spec.secretRef before any request
    /// (bucket_controller.go reconcileSource, reason AuthenticationFailed): the minio provider
    /// (generic, aws: pkg/minio ValidateSecret), gcp (pkg/gcp) and azure (pkg/azure) each name the
    /// keys they need. No signature knew them (`Reconciler error`, no hypothesis).
    @Test(arguments: [
        ("invalid 'minio-credentials' secret data: required fields 'accesskey' and 'secretkey'", "required fields 'accesskey' and 'secretkey'"),
        ("invalid 'minio-credentials' secret data: required fields 'serviceaccount'", "required fields 'serviceaccount'"),
        ("invalid 'minio-credentials' secret data: requires a 'clientId' or 'accountKey' field, a combination of 'tenantId', 'clientId' and 'clientSecret', or 'tenantId', 'clientId' and 'clientCertificate'",
         "requires a 'clientId' or 'accountKey' field, a combination of 'tenantId', 'clientId' and 'clientSecret', or 'tenantId', 'clientId' and 'clientCertificate'"),
    ])
    func aBucketSecretWithoutTheProvidersKeysIsACredentialsFailure(_ error: String, reason: String) throws {
        let found = try Self.incidents(kind: "Bucket", namespace: "flux-system", name: "manifests", error)
        #expect(found.count == 1)
        let incident = try #require(found.first)
        #expect(!incident.title.hasPrefix("Reconciler error"), "\(incident.title)")
        let signal = try #require(incident.signals.first { $0.signature == "bucket-secret-invalid" })
        #expect(signal.captures["secret"] == "minio-credentials")
        #expect(signal.captures["reason"] == reason)
        let first = try #require(incident.hypotheses.first)
        #expect(first.id == "registry-auth-failed")
        #expect(first.checks.contains { $0.hasPrefix("kubectl -n flux-system get secret minio-credentials -o jsonpath='{.data}' | jq 'keys'") }, "\(first.checks)")
        #expect(first.remediation.contains { $0.contains("generic and aws: accesskey and secretkey") && $0.contains("gcp: serviceaccount") }, "\(first.remediation)")
        #expect(first.remediation.contains { $0 == "Then retry at once: flux reconcile source bucket manifests" })
        #expect(!(first.checks + first.remediation).contains { $0.contains("flux create secret oci") || $0.contains(".dockerconfigjson") || $0.contains("flux get sources oci") })
    }

    /// The Bucket's secret does not exist (bucket_controller.go getSecret: `failed to get secret
    /// '%s': %w`, the API server's `secrets "<name>" not found`): the same words as a
    /// GitRepository's, which made it "Git credentials secret missing" with SSH deploy-key steps.
    @Test func aBucketsMissingSecretIsNotAGitSecret() throws {
        let found = try Self.incidents(kind: "Bucket", namespace: "flux-system", name: "manifests",
                                       #"failed to get secret 'flux-system/minio-credentials': secrets "minio-credentials" not found"#)
        #expect(found.count == 1)
        let incident = try #require(found.first)
        #expect(!incident.title.contains("Git"), "\(incident.title)")
        let signal = try #require(incident.signals.first { $0.signature == "bucket-secret-missing" })
        #expect(signal.captures["secret"] == "flux-system/minio-credentials")
        let first = try #require(incident.hypotheses.first)
        #expect(first.id == "registry-auth-failed")
        #expect(!incident.hypotheses.contains { $0.id == "git-auth-failed" })
        #expect(!(first.checks + first.remediation).contains { $0.contains("identity + known_hosts") || $0.contains("deploy key") || $0.contains("flux create secret git") || $0.contains("flux get sources git") }, "\(first.checks + first.remediation)")
        #expect(first.checks.contains { $0.hasPrefix("kubectl -n flux-system get secret minio-credentials") }, "\(first.checks)")
    }

    // MARK: Bucket region

    /// spec.region is not the bucket's: S3 refuses the request's signature scope
    /// (AuthorizationHeaderMalformed). AWS's message on the listing, MinIO's on the existence
    /// check (its HEAD answer's x-minio-error-code and x-minio-error-desc, read by minio-go).
    @Test(arguments: [
        ("indexation of objects from bucket 'prod-manifests' failed: listing objects from bucket 'prod-manifests' failed: The authorization header is malformed; the region 'us-east-1' is wrong; expecting 'eu-west-1'", "eu-west-1"),
        ("failed to confirm existence of 'prod-manifests' bucket: The authorization header is malformed; the region is wrong; expecting 'eu-west-1'.", "eu-west-1"),
    ])
    func aWrongRegionIsTheBucketsRegion(_ error: String, region: String) throws {
        let found = try Self.incidents(kind: "Bucket", namespace: "flux-system", name: "manifests", error)
        #expect(found.count == 1)
        let incident = try #require(found.first)
        #expect(!incident.title.hasPrefix("Reconciler error"), "\(incident.title)")
        let signal = try #require(incident.signals.first { $0.signature == "bucket-region-mismatch" })
        #expect(signal.captures["bucket"] == "prod-manifests")
        #expect(signal.captures["region"] == region)
        let first = try #require(incident.hypotheses.first)
        #expect(first.id == "bucket-not-found")
        #expect(first.checks.contains { $0.hasPrefix("kubectl -n flux-system get bucket manifests -o jsonpath=") && $0.contains("{.spec.region}") }, "\(first.checks)")
        #expect(first.remediation.first?.hasPrefix("Set spec.region to the bucket's region, eu-west-1") == true, "\(first.remediation)")
        #expect(!first.remediation.contains { $0.hasPrefix("Set spec.bucketName") }, "\(first.remediation)")
    }

    // MARK: Bucket not found

    /// minio-go / Azure (`bucket '%s' not found`) and GCS (`storage: bucket doesn't exist`).
    @Test(arguments: [
        "bucket 'prod-manifest' not found",
        "failed to confirm existence of 'prod-manifest' bucket: storage: bucket doesn't exist",
    ])
    func aMissingBucketIsTheBucketsName(_ error: String) throws {
        let found = try Self.incidents(kind: "Bucket", namespace: "flux-system", name: "manifests", error)
        #expect(found.count == 1)
        let incident = try #require(found.first)
        let signal = try #require(incident.signals.first { $0.signature == "bucket-not-found" })
        #expect(signal.captures["bucket"] == "prod-manifest")
        #expect(!incident.signals.contains { $0.signature == "bucket-auth-failed" })
        let first = try #require(incident.hypotheses.first)
        #expect(first.id == "bucket-not-found")
        #expect(first.checks.contains { $0.hasPrefix("kubectl -n flux-system get bucket manifests -o jsonpath=") && $0.contains("{.spec.bucketName} {.spec.region}") }, "\(first.checks)")
        #expect(first.remediation.contains { $0.hasPrefix("Set spec.bucketName to a bucket that exists at spec.endpoint") })
    }
}
