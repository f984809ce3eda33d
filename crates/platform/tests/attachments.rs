//! 附件 on SQLite and PostgreSQL, in the data directory and in an S3-compatible store: stored once
//! under their SM3, refused by type and size, every upload and download audited, and a file
//! changed in the store refused and recorded as tampered.

use db::audit::{self, EventFilter};
use kernel::crypto::SealKey;
use platform::{Actor, Bytes, Error, FileStore, NewAttachment, Owner, Platform};

fn cli() -> Actor {
    Actor::cli("tester")
}

const OWNER: Owner<'static> = Owner {
    record_type: "mediation_dispute",
    record_id: "d1",
    org_id: None,
};

fn pdf(text: &str) -> Bytes {
    Bytes::from(format!("%PDF-1.7\n{text}\n%%EOF").into_bytes())
}

fn file(kind: &str, name: &str, bytes: Bytes) -> NewAttachment {
    NewAttachment {
        kind: kind.into(),
        name: name.into(),
        bytes,
    }
}

async fn actions(p: &Platform) -> Vec<String> {
    audit::list(
        p.db(),
        &EventFilter {
            record_type: Some("mediation_dispute".into()),
            record_id: Some("d1".into()),
            limit: 100,
            ..Default::default()
        },
    )
    .await
    .unwrap()
    .into_iter()
    .rev()
    .map(|e| e.action)
    .collect()
}

/// The whole life of attachments on one store.
async fn attachments_on(p: &Platform, label: &str) {
    let a = p
        .attach(
            &cli(),
            OWNER,
            file("申请书", "C:\\扫描\\申请书.pdf", pdf("申请")),
        )
        .await
        .unwrap();
    assert_eq!(a.name, "申请书.pdf", "{label}: the path is not kept");
    assert_eq!(a.sm3, kernel::crypto::sm3_hex(&pdf("申请")), "{label}");
    assert_eq!(a.content_type, "application/pdf");
    // The same content again is a second attachment of the same stored file.
    let again = p
        .attach(&cli(), OWNER, file("", "副本.pdf", pdf("申请")))
        .await
        .unwrap();
    assert_eq!(
        (again.sm3.as_str(), again.kind.as_str()),
        (a.sm3.as_str(), "其他")
    );
    let listed = p.attachments("mediation_dispute", "d1").await.unwrap();
    assert_eq!(listed.len(), 2, "{label}");
    assert!(
        p.attachments("mediation_dispute", "d2")
            .await
            .unwrap()
            .is_empty()
    );

    let (got, bytes) = p
        .open_attachment(&cli(), OWNER, a.id.as_str())
        .await
        .unwrap();
    assert_eq!((got.name.as_str(), bytes), ("申请书.pdf", pdf("申请")));
    // Another record's address does not reach it.
    let elsewhere = Owner {
        record_id: "d2",
        ..OWNER
    };
    assert!(matches!(
        p.open_attachment(&cli(), elsewhere, a.id.as_str()).await,
        Err(Error::NotFound(_))
    ));

    // Refused by what the file is, not by its name.
    let renamed = p
        .attach(
            &cli(),
            OWNER,
            file("证据", "证据.pdf", Bytes::from_static(b"MZ\x90\0")),
        )
        .await
        .unwrap_err();
    assert!(renamed.to_string().contains("内容不是PDF文件"), "{renamed}");
    let exe = p
        .attach(
            &cli(),
            OWNER,
            file("证据", "run.exe", Bytes::from_static(b"MZ")),
        )
        .await
        .unwrap_err();
    assert!(exe.to_string().contains("不是可以上传的文件类型"), "{exe}");

    // The size limit is a setting.
    p.update_setting(&cli(), "attachments.max_mb", "1")
        .await
        .unwrap();
    let mut big = b"%PDF-1.7\n".to_vec();
    big.resize(1024 * 1024 + 1, b' ');
    let too_big = p
        .attach(&cli(), OWNER, file("证据", "大.pdf", Bytes::from(big)))
        .await
        .unwrap_err();
    assert!(
        too_big.to_string().contains("超过附件上限1 MB"),
        "{too_big}"
    );
    p.update_setting(&cli(), "attachments.max_mb", "20")
        .await
        .unwrap();

    // A file changed in the store is refused, and that is recorded.
    p.files()
        .overwrite(&a.sm3, pdf("改过的申请"))
        .await
        .unwrap();
    let tampered = p
        .open_attachment(&cli(), OWNER, a.id.as_str())
        .await
        .unwrap_err();
    assert_eq!(tampered.code(), kernel::ErrorCode::Tampered, "{label}");
    assert!(tampered.to_string().contains("可能已被篡改"), "{tampered}");

    // Removal takes it off the record; the upload stays in the audit log.
    p.remove_attachment(&cli(), OWNER, again.id.as_str())
        .await
        .unwrap();
    assert_eq!(
        p.attachments("mediation_dispute", "d1")
            .await
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        actions(p).await,
        ["attach", "attach", "download", "tampered", "detach"],
        "{label}"
    );
}

#[tokio::test]
async fn attachments_in_memory_on_both_backends() {
    for t in testkit::backends().await {
        let p = Platform::new(t.db.clone(), SealKey::generate());
        attachments_on(&p, t.name()).await;
    }
}

#[tokio::test]
async fn attachments_in_the_data_directory_are_files_named_by_their_hash() {
    let t = testkit::sqlite().await;
    let dir = tempfile::tempdir().unwrap();
    let p = Platform::new(t.db.clone(), SealKey::generate())
        .with_files(FileStore::local(&dir.path().join("files")).unwrap());
    let a = p
        .attach(
            &cli(),
            OWNER,
            file(
                "照片",
                "现场.png",
                Bytes::from_static(b"\x89PNG\r\n\x1a\nxx"),
            ),
        )
        .await
        .unwrap();
    let path = dir.path().join("files/sm3").join(&a.sm3[..2]).join(&a.sm3);
    assert_eq!(std::fs::read(&path).unwrap(), b"\x89PNG\r\n\x1a\nxx");
    // Someone with the disk changes the file: the download says so.
    std::fs::write(&path, b"\x89PNG\r\n\x1a\nyy").unwrap();
    let e = p
        .open_attachment(&cli(), OWNER, a.id.as_str())
        .await
        .unwrap_err();
    assert_eq!(e.code(), kernel::ErrorCode::Tampered);
    // A file deleted from the store likewise.
    std::fs::remove_file(&path).unwrap();
    let e = p
        .open_attachment(&cli(), OWNER, a.id.as_str())
        .await
        .unwrap_err();
    assert!(e.to_string().contains("已不在存储中"), "{e}");
    attachments_on(
        &Platform::new(testkit::sqlite().await.db.clone(), SealKey::generate())
            .with_files(FileStore::local(&dir.path().join("other")).unwrap()),
        "local",
    )
    .await;
}

/// Against a real S3 server (moto's, which CI starts): `FAZHI_TEST_S3` is its endpoint. Without it
/// the test says so and passes, unless `FAZHI_REQUIRE_S3` asks for it.
#[tokio::test]
async fn attachments_in_an_s3_compatible_store() {
    let Ok(endpoint) = std::env::var("FAZHI_TEST_S3") else {
        assert!(
            std::env::var("FAZHI_REQUIRE_S3").is_err(),
            "FAZHI_REQUIRE_S3 is set but FAZHI_TEST_S3 is not"
        );
        eprintln!("skipped: FAZHI_TEST_S3 (an S3 endpoint) is not set");
        return;
    };
    let bucket = format!("fazhi-test-{}", std::process::id());
    create_bucket(&endpoint, &bucket).await;
    // The keys an operator sets as AWS_* variables.
    let store = |prefix: &str| {
        FileStore::s3(
            &format!("s3://{bucket}/{prefix}"),
            &[
                ("aws_endpoint", endpoint.as_str()),
                ("aws_access_key_id", "testing"),
                ("aws_secret_access_key", "testing"),
                ("aws_region", "us-east-1"),
                ("aws_allow_http", "true"),
            ],
        )
        .unwrap()
    };
    let t = testkit::sqlite().await;
    let p = Platform::new(t.db.clone(), SealKey::generate()).with_files(store("fazhi"));
    attachments_on(&p, "s3").await;
    // Another server sharing the bucket (a new client, the same database) reads what this one
    // stored; one with another prefix finds nothing there.
    let a = p
        .attach(&cli(), OWNER, file("协议书", "协议书.pdf", pdf("协议")))
        .await
        .unwrap();
    let second = Platform::new(t.db.clone(), SealKey::generate()).with_files(store("fazhi"));
    let (_, bytes) = second
        .open_attachment(&cli(), OWNER, a.id.as_str())
        .await
        .unwrap();
    assert_eq!(bytes, pdf("协议"));
    let other = Platform::new(t.db.clone(), SealKey::generate()).with_files(store("other"));
    let missing = other
        .open_attachment(&cli(), OWNER, a.id.as_str())
        .await
        .unwrap_err();
    assert!(missing.to_string().contains("已不在存储中"), "{missing}");
}

/// Creates the bucket with an unsigned request, as moto accepts.
async fn create_bucket(endpoint: &str, bucket: &str) {
    let response = reqwest::Client::new()
        .put(format!("{endpoint}/{bucket}"))
        .send()
        .await
        .unwrap();
    assert!(response.status().is_success(), "{}", response.status());
}
