use super::*;

const V_PAYLOAD: &str =
    r#"{"Limit": 1, "Filters": [{"Values": ["\u672a\u547d\u540d"], "Name": "instance-name"}]}"#;
const C_ID: &str = "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE";
const C_KEY: &str = "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE";

fn cvm(payload: &'static str, signed: &'static [&'static str]) -> Request<'static> {
    Request {
        method: "POST",
        host: "cvm.tencentcloudapi.com",
        service: "cvm",
        action: "DescribeInstances",
        version: "2017-03-12",
        region: Some("ap-guangzhou"),
        language: None,
        timestamp: 1_551_113_065,
        content_type: "application/json; charset=utf-8",
        query: "",
        payload: payload.as_bytes(),
        signed_headers: signed,
    }
}

#[test]
fn v1_official_example_signs_x_tc_action() {
    let cred = Credential::new(format!("AKID{}", "*".repeat(32)), "*".repeat(32), None).unwrap();
    let req = cvm(V_PAYLOAD, &["content-type", "host", "x-tc-action"]);
    assert_eq!(V_PAYLOAD.len(), 86);
    assert_eq!(
        sha256_hex(req.payload),
        "35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064"
    );
    let s = sign(&cred, &req);
    assert_eq!(
        s.canonical_request,
        "POST\n/\n\ncontent-type:application/json; charset=utf-8\nhost:cvm.tencentcloudapi.com\nx-tc-action:describeinstances\n\ncontent-type;host;x-tc-action\n35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064"
    );
    assert_eq!(
        s.hashed_canonical_request,
        "7019a55be8395899b900fb5564e4200d984910f34794a27cb3fb7d10ff6a1e84"
    );
    assert_eq!(
        s.string_to_sign,
        "TC3-HMAC-SHA256\n1551113065\n2019-02-25/cvm/tc3_request\n7019a55be8395899b900fb5564e4200d984910f34794a27cb3fb7d10ff6a1e84"
    );
    assert_eq!(
        s.signature,
        "10b1a37a7301a02ca19a647ad722d5e43b4b3cff309d421d85b46093f6ab6c4f"
    );
    assert_eq!(
        s.authorization,
        format!(
            "TC3-HMAC-SHA256 Credential=AKID{}/2019-02-25/cvm/tc3_request, SignedHeaders=content-type;host;x-tc-action, Signature=10b1a37a7301a02ca19a647ad722d5e43b4b3cff309d421d85b46093f6ab6c4f",
            "*".repeat(32)
        )
    );
}

#[test]
fn v1_intermediate_keys() {
    let date = hmac(format!("TC3{}", "*".repeat(32)).as_bytes(), b"2019-02-25");
    assert_eq!(
        hex::encode(date),
        "da98fb70dcf6b112dc21038d1eeeb3a95c74b4dcb12c1131f864f6066bd02be0"
    );
    let service = hmac(&date, b"cvm");
    assert_eq!(
        hex::encode(service),
        "8d70cbefb03939f929db64d32dc2ba89b1095620119fe3e050e2b18c5bd2752f"
    );
    assert_eq!(
        hex::encode(signing_key(&"*".repeat(32), "2019-02-25", "cvm")),
        "b596b923aad85185e2d1f6659d2a062e0a86731226e021e61bfe06f7ed05f5af"
    );
}

#[test]
fn v2_english_example_default_signed_headers() {
    let cred = Credential::new(C_ID.into(), C_KEY.into(), None).unwrap();
    let s = sign(&cred, &cvm(V_PAYLOAD, DEFAULT_SIGNED_HEADERS));
    assert_eq!(
        s.canonical_request,
        "POST\n/\n\ncontent-type:application/json; charset=utf-8\nhost:cvm.tencentcloudapi.com\n\ncontent-type;host\n35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064"
    );
    assert_eq!(
        s.hashed_canonical_request,
        "5ffe6a04c0664d6b969fab9a13bdab201d63ee709638e2749d62a09ca18d7031"
    );
    assert_eq!(
        hex::encode(signing_key(C_KEY, "2019-02-25", "cvm")),
        "ac658d5dde49e9bfdd14e04e062f66b05d9f637d44b8a8d845327d4a77f666b1"
    );
    assert_eq!(
        s.signature,
        "72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168"
    );
}

struct Vector {
    host: &'static str,
    ts: i64,
    body: &'static str,
    payload_hash: &'static str,
    hashed_canonical: &'static str,
    signature: &'static str,
}

const C3_BODY: &str = r#"{"SdkAppId":1400000000,"AIAgentId":15,"Callee":"008613012345678"}"#;

const CCC_VECTORS: &[Vector] = &[
    Vector {
        host: "ccc.intl.tencentcloudapi.com",
        ts: 1_551_113_065,
        body: r#"{"SdkAppId": 1400000000, "AIAgentId": 15, "Callee": "008613012345678", "Callers": ["008601012345678"], "Variables": [{"Key": "name", "Value": "Alice"}], "MaxRingTimeoutSecond": 30}"#,
        payload_hash: "75c906ebd7dbf13716c483bc265f02176a93c1ebe910132c07edde399d3060c3",
        hashed_canonical: "6b9e1d84dbb289f9f531d0aeec597e0619ad162d65b635a31ced8b202c4cfc27",
        signature: "300a8c0871a1b244bddc8ab562075b30bb0151f54a2f242011453f8acabe92bf",
    },
    Vector {
        host: "ccc.intl.tencentcloudapi.com",
        ts: 1_551_113_065,
        body: r#"{"SdkAppId":1400000000,"AIAgentId":15,"Callee":"008613012345678","Callers":["008601012345678"],"Variables":[{"Key":"name","Value":"Alice"}],"MaxRingTimeoutSecond":30}"#,
        payload_hash: "797f931e48c4c6c3efa62feab2f23911e3aa78b82d010c1d87f94f453837f830",
        hashed_canonical: "6bd6a0d034c73a735e2f7fdf3f60adddb593243ca8d18950015c6e966a380d7e",
        signature: "6ea7cbc422255974d55569709271a67a0c834aa405daad04a9afca3a427eea13",
    },
    Vector {
        host: "ccc.tencentcloudapi.com",
        ts: 1_551_113_065,
        body: C3_BODY,
        payload_hash: "177016ac2a96f89db8e2cedb371b88c25c3530c611b1ed26756d51966f852bd3",
        hashed_canonical: "f9c7f07679bf5322abbbbad7814a0f8567e8cd847585056fcf2d5572bd87b458",
        signature: "663c73c89e964cee064b6c0dae08ebe7eda0178d738787829439a90e3d4de283",
    },
    Vector {
        host: "ccc.tencentcloudapi.com",
        ts: 1_551_113_065,
        body: r#"{"SdkAppId":1400000000,"AIAgentId":15,"Callee":"008613012345678","Variables":[{"Key":"name","Value":"张三"}]}"#,
        payload_hash: "97a50d0fc52f0c62c85f1b94b331c99e9045f3403529209914453693c1aafd8c",
        hashed_canonical: "c8967dc7374ffa8a3b20f1c7f61e1f28e51d1223b5ee9ed5c0e1c74773e46c46",
        signature: "84c0eca539ce2a8a92cdff361815bc6a1e39966a6372db571f8317c19dcfcaf5",
    },
    Vector {
        host: "ccc.tencentcloudapi.com",
        ts: 1_700_006_399,
        body: "{}",
        payload_hash: "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a",
        hashed_canonical: "0f17126517e2a3af6fb88c31fbb9725201c72a265c090ffee51611e233e41b92",
        signature: "5ebf506cd4b58673e1b9a6c6bd46d14e82f11bb7be4bfbee0f5760628e298d49",
    },
    Vector {
        host: "ccc.tencentcloudapi.com",
        ts: 1_700_006_400,
        body: "{}",
        payload_hash: "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a",
        hashed_canonical: "0f17126517e2a3af6fb88c31fbb9725201c72a265c090ffee51611e233e41b92",
        signature: "5e370131d8d57d5028568772736281ac43761e476899e41ac1bd3204e8cd350b",
    },
    Vector {
        host: "http://127.0.0.1:18081",
        ts: 1_551_113_065,
        body: C3_BODY,
        payload_hash: "177016ac2a96f89db8e2cedb371b88c25c3530c611b1ed26756d51966f852bd3",
        hashed_canonical: "4995d39dae679ad69d92f9f8a52d9f4fecda80d5fc1890bd3b978f3ae9155ec0",
        signature: "cb5d985f525c7054c0b087a52b9a7c720fce70bc01dd1653d2294ea5379baf98",
    },
];

#[test]
fn ccc_vectors_c1_to_c6() {
    let cred = Credential::new(C_ID.into(), C_KEY.into(), None).unwrap();
    for v in CCC_VECTORS {
        let req = Request {
            service: "ccc",
            ..Request::post_json(v.host, "CreateAIAgentCall", v.ts, v.body.as_bytes())
        };
        assert_eq!(sha256_hex(req.payload), v.payload_hash, "{}", v.body);
        let s = sign(&cred, &req);
        assert_eq!(s.hashed_canonical_request, v.hashed_canonical, "{}", v.body);
        assert_eq!(s.signature, v.signature, "{} at {}", v.body, v.ts);
    }
    assert_eq!(
        hex::encode(signing_key(C_KEY, "2019-02-25", "ccc")),
        "207b6710033c3c41d90564f77ee0039c567df44281c44a97a7a8e90e7918fb38"
    );
}

#[test]
fn c1_full_header_set() {
    let cred = Credential::new(C_ID.into(), C_KEY.into(), None).unwrap();
    let v = &CCC_VECTORS[0];
    let req = Request {
        region: Some("ap-singapore"),
        language: Some("en-US"),
        ..Request::post_json(v.host, "CreateAIAgentCall", v.ts, v.body.as_bytes())
    };
    let s = sign(&cred, &req);
    let get = |n: &str| s.headers.iter().find(|(k, _)| *k == n).map(|(_, v)| v);
    assert_eq!(get("Content-Type"), Some("application/json"));
    assert_eq!(get("Host"), Some("ccc.intl.tencentcloudapi.com"));
    assert_eq!(get("X-TC-Action"), Some("CreateAIAgentCall"));
    assert_eq!(get("X-TC-Timestamp"), Some("1551113065"));
    assert_eq!(get("X-TC-Version"), Some("2020-02-10"));
    assert_eq!(get("X-TC-Region"), Some("ap-singapore"));
    assert_eq!(get("X-TC-Language"), Some("en-US"));
    assert_eq!(get("X-TC-Token"), None);
    assert_eq!(
        get("Authorization"),
        Some(
            "TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE/2019-02-25/ccc/tc3_request, SignedHeaders=content-type;host, Signature=300a8c0871a1b244bddc8ab562075b30bb0151f54a2f242011453f8acabe92bf"
        )
    );
}

#[test]
fn token_is_sent_but_not_signed() {
    let plain = Credential::new(C_ID.into(), C_KEY.into(), None).unwrap();
    let temp = Credential::new(C_ID.into(), C_KEY.into(), Some("tok".into())).unwrap();
    let req = Request::post_json("ccc.tencentcloudapi.com", "HangUpCall", 1, b"{}");
    let (a, b) = (sign(&plain, &req), sign(&temp, &req));
    assert_eq!(a.signature, b.signature);
    assert_eq!(b.headers.get("X-TC-Token"), Some("tok"));
}

#[test]
fn headers_compare_and_show_as_the_pairs_they_send() {
    let plain = Credential::new(C_ID.into(), C_KEY.into(), None).unwrap();
    let temp = Credential::new(C_ID.into(), C_KEY.into(), Some("tok".into())).unwrap();
    let req = Request {
        region: Some(""),
        language: Some("en-US"),
        ..Request::post_json("ccc.tencentcloudapi.com", "HangUpCall", 1, b"{}")
    };
    let (a, b) = (sign(&plain, &req).headers, sign(&temp, &req).headers);
    assert_eq!(a, a.clone());
    assert_ne!(a, b);
    // An empty region is not sent; the names come in the order they are sent.
    let names: Vec<_> = a.iter().map(|(name, _)| name).collect();
    assert_eq!(
        names,
        [
            "Content-Type",
            "Host",
            "X-TC-Action",
            "X-TC-Version",
            "X-TC-Timestamp",
            "X-TC-Language",
            "Authorization"
        ]
    );
    assert_eq!(b.iter().nth(5), Some(("X-TC-Token", "tok")));
    assert_eq!(a.get("HOST"), Some("ccc.tencentcloudapi.com"));
    assert_eq!(a.get("X-TC-Region"), None);
    let shown = format!("{a:?}");
    assert!(
        shown.starts_with(r#"[("Content-Type", "application/json"), ("Host", "ccc.tencentcloudapi.com"), ("X-TC-Action", "HangUpCall")"#),
        "{shown}"
    );
}

#[test]
fn c7_get_describe_tel_session() {
    let cred = Credential::new(C_ID.into(), C_KEY.into(), None).unwrap();
    let req = Request {
        method: "GET",
        content_type: "application/x-www-form-urlencoded",
        query: "SdkAppId=1400000000&SessionId=6bb56a09-2787-40bc-80c5-dc6dab783eff",
        ..Request::post_json(
            "ccc.intl.tencentcloudapi.com",
            "DescribeTelSession",
            1_551_113_065,
            b"",
        )
    };
    let s = sign(&cred, &req);
    assert!(s.canonical_request.ends_with(EMPTY_PAYLOAD_HASH));
    assert_eq!(
        s.hashed_canonical_request,
        "71e28bb7b1aea2e83a87124614ba5b0ebcce741b165ded5e7d80dd7238b82a64"
    );
    assert_eq!(
        s.signature,
        "159cf0d91875ce98640fbcdab706f59307b330c024946b26f5df76411f7de870"
    );
}

/// The cached-key path gives what the step-by-step path gives, headers included.
fn same_as_sign(signer: &Signer, cred: &Credential, req: &Request<'_>) {
    let full = sign(cred, req);
    assert_eq!(signer.signature(req).as_str(), full.signature, "{req:?}");
    assert_eq!(signer.headers(req), full.headers, "{req:?}");
}

#[test]
fn signer_matches_the_vectors_across_days_and_services() {
    let cred = Credential::new(C_ID.into(), C_KEY.into(), Some("tok".into())).unwrap();
    let signer = Signer::new(cred.clone());
    // 1_700_006_399 and 1_700_006_400 straddle a UTC midnight: the kept key must change.
    for v in CCC_VECTORS.iter().chain(CCC_VECTORS) {
        let req = Request {
            service: "ccc",
            ..Request::post_json(v.host, "CreateAIAgentCall", v.ts, v.body.as_bytes())
        };
        assert_eq!(signer.signature(&req).as_str(), v.signature);
        same_as_sign(&signer, &cred, &req);
    }
    let other = Signer::new(Credential::new(C_ID.into(), "another-key".into(), None).unwrap());
    let req = Request::post_json("ccc.tencentcloudapi.com", "X", 1_551_113_065, b"{}");
    assert_ne!(other.signature(&req), signer.signature(&req));
    let cvm = cvm(V_PAYLOAD, DEFAULT_SIGNED_HEADERS);
    assert_eq!(
        signer.signature(&cvm).as_str(),
        "72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168"
    );
}

#[test]
fn signer_sorts_and_lowers_names_and_values_as_the_service_does() {
    let cred = Credential::new(C_ID.into(), C_KEY.into(), None).unwrap();
    let signer = Signer::new(cred.clone());
    for names in [
        &["host", "content-type"][..],
        &["X-TC-Action", "Host", "content-type"],
        &[
            "x-tc-region",
            "x-tc-action",
            "x-tc-language",
            "host",
            "content-type",
        ],
        &["host", "host", "content-type", "x-unknown"],
        &[],
    ] {
        let req = Request {
            host: "CCC.Example.COM",
            region: Some(" Ap-Singapore "),
            language: Some("Ünïcode-ΣΑΣ"),
            signed_headers: names,
            ..cvm(V_PAYLOAD, names)
        };
        same_as_sign(&signer, &cred, &req);
    }
}

proptest::proptest! {
    #[test]
    fn signer_equals_the_step_by_step_signature(
        ts in -100_000_000_000i64..100_000_000_000,
        body in proptest::collection::vec(proptest::num::u8::ANY, 0..300),
        host in "[A-Za-z0-9.:-]{1,30}",
        region in proptest::option::of("\\PC{0,12}"),
        picks in proptest::collection::vec(0usize..6, 0..8),
    ) {
        const NAMES: [&str; 6] =
            ["content-type", "Host", "x-tc-action", "X-TC-Region", "x-tc-language", "x-other"];
        let names: Vec<&str> = picks.iter().map(|&i| NAMES[i]).collect();
        let cred = Credential::new(C_ID.into(), C_KEY.into(), None).unwrap();
        let req = Request {
            region: region.as_deref(),
            language: Some("en-US"),
            signed_headers: &names,
            ..Request::post_json(&host, "CreateAIAgentCall", ts, &body)
        };
        same_as_sign(&Signer::new(cred.clone()), &cred, &req);
    }
}

#[test]
fn signer_debug_hides_the_key() {
    let signer = Signer::new(Credential::new(C_ID.into(), C_KEY.into(), None).unwrap());
    let req = Request::post_json("ccc.tencentcloudapi.com", "X", 1, b"{}");
    signer.signature(&req);
    let shown = format!("{signer:?}");
    assert!(shown.contains(C_ID) && !shown.contains(C_KEY), "{shown}");
}

#[test]
fn utc_date_never_local() {
    assert_eq!(utc_date(1_551_113_065), "2019-02-25");
    assert_eq!(utc_date(1_700_006_399), "2023-11-14");
    assert_eq!(utc_date(1_700_006_400), "2023-11-15");
    assert_eq!(utc_date(0), "1970-01-01");
    assert_eq!(utc_date(-1), "1969-12-31");
    assert_eq!(utc_date(951_782_400), "2000-02-29");
}

#[test]
fn authorization_round_trips() {
    let cred = Credential::new(C_ID.into(), C_KEY.into(), None).unwrap();
    let s = sign(
        &cred,
        &Request::post_json("ccc.tencentcloudapi.com", "X", 1_551_113_065, b"{}"),
    );
    let a = parse_authorization(&s.authorization).unwrap();
    assert_eq!(a.secret_id, C_ID);
    assert_eq!(a.date, "2019-02-25");
    assert_eq!(a.service, "ccc");
    assert_eq!(a.signed_headers, vec!["content-type", "host"]);
    assert_eq!(a.signature, s.signature);
    assert!(parse_authorization("Basic abc").is_none());
    assert!(parse_authorization("TC3-HMAC-SHA256 Credential=x/y, Signature=z").is_none());
}

#[test]
fn service_is_the_first_host_label() {
    assert_eq!(service_of("ccc.intl.tencentcloudapi.com"), "ccc");
    assert_eq!(service_of("cvm.tencentcloudapi.com"), "cvm");
    assert_eq!(service_of("127.0.0.1:8080"), "ccc");
    assert_eq!(service_of("http://127.0.0.1:18081"), "ccc");
    assert_eq!(service_of("localhost:9"), "ccc");
}

#[test]
fn constant_time_compare() {
    assert!(same_signature("abc", "abc"));
    assert!(!same_signature("abc", "abd"));
    assert!(!same_signature("abc", "ab"));
}

#[test]
fn numbers_and_dates_are_written_as_core_fmt_writes_them() {
    for n in [0, 7, -1, 1_551_113_065, i64::MAX, i64::MIN] {
        assert_eq!(Short::number(n).as_str(), n.to_string());
    }
    assert_eq!(utc_date(253_402_300_799), "9999-12-31");
    assert_eq!(utc_date(253_402_300_800), "10000-01-01");
}

#[test]
fn hex_is_written_as_the_hex_crate_writes_it() {
    // Every byte value, in every position of a digest.
    for start in 0..=255u8 {
        let digest: [u8; 32] = std::array::from_fn(|i| start.wrapping_add(i as u8 * 8));
        assert_eq!(hex_of(&digest).as_str(), hex::encode(digest));
    }
}
