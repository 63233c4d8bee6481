//! OfflineRankingComputer: known pairs excluded, users in order, any thread count.

use super::*;
use crate::data::RecDat;
use crate::models::Model;

/// score(u, i) = ((u * 7 + i * 3) % 5) - 1 (ties, zeros and negatives).
struct Mod5;

impl Model for Mod5 {
    fn prediction(&self, rec: &RecDat) -> f64 {
        ((rec.user * 7 + rec.item * 3) % 5) as f64 - 1.0
    }
}

fn computer(exclude: bool) -> OfflineRankingComputer {
    let mut c = OfflineRankingComputer::new(3, exclude);
    c.set_users(vec![4, 0, 2]);
    c.set_items(&(0..10).collect::<Vec<u32>>());
    c.set_known(&[0, 0, 2], &[1, 6, 8]).unwrap();
    c
}

#[test]
fn lists_follow_the_user_order_and_skip_known_pairs() {
    let out = computer(true).compute(&Mod5).unwrap();
    assert_eq!(out.users, vec![4, 4, 4, 0, 0, 0, 2, 2, 2]);
    assert_eq!(out.ranks, vec![1, 2, 3, 1, 2, 3, 1, 2, 3]);
    // user 0: scores (3i % 5) - 1 -> items 3 (3), 8 (3), 1 (2, known), 6 (2, known), 4 (1).
    assert_eq!(&out.items[3..6], &[3, 8, 4]);
    assert_eq!(&out.scores[3..6], &[3.0, 3.0, 1.0]);
    let kept = computer(false).compute(&Mod5).unwrap();
    assert_eq!(&kept.items[3..6], &[3, 8, 1]);
}

#[test]
fn results_do_not_depend_on_the_thread_count() {
    let c = computer(true);
    let one = rayon::ThreadPoolBuilder::new().num_threads(1).build().unwrap().install(|| c.compute(&Mod5).unwrap());
    let four = rayon::ThreadPoolBuilder::new().num_threads(4).build().unwrap().install(|| c.compute(&Mod5).unwrap());
    assert_eq!(one, four);
}

#[test]
fn mismatched_known_columns_are_an_error() {
    let mut c = OfflineRankingComputer::new(3, true);
    assert!(c.set_known(&[0, 1], &[0]).unwrap_err().to_string().contains("2 known users but 1 known items"));
    assert!(predict_pairs(&Mod5, &[0], &[]).is_err());
    assert_eq!(predict_pairs(&Mod5, &[1, 1], &[0, 1]).unwrap(), vec![1.0, -1.0]);
}

#[test]
fn the_file_evaluators_and_precision_recall_with_the_standard_names() {
    use crate::component::Handle;
    use crate::models::factor::FactorModel;
    use crate::params::Value;
    let dir = std::env::temp_dir().join(format!("alpenglow-pr-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (train, test) = (dir.join("train.txt"), dir.join("test.txt"));
    std::fs::write(&train, "0 0 1\n0 1 1\n1 2 1\n").unwrap();
    std::fs::write(&test, "0 1 1\n1 0 1\n1 2 1\n1 2 1\n").unwrap();
    let build = |name: &str, kw: &[(&str, Value)]| -> Handle {
        let kw: Vec<(String, Value)> = kw.iter().map(|(k, v)| (k.to_string(), v.clone())).collect();
        crate::registry::build(name, &kw).unwrap()
    };
    let model = build("FactorModel", &[("dimension", Value::Int(1))]);
    model
        .downcast::<FactorModel>()
        .unwrap()
        .with_mut(|m| {
            m.set_user_factor(0, &[1.0]).unwrap();
            m.set_user_factor(1, &[-1.0]).unwrap();
            for (i, v) in [(0, 3.0), (1, 2.0), (2, 1.0)] {
                m.set_item_factor(i, &[v]).unwrap();
            }
        })
        .unwrap();
    let data =
        crate::registry::wrap(crate::data::RecommenderData::from_file(&train, "offline", 0.0).unwrap(), |_, _| {});
    let eval = build(
        "PrecisionRecallEvaluator",
        &[
            ("cutoff", Value::Int(2)),
            ("test_file_name", Value::Str(test.display().to_string())),
            ("test_file_type", Value::Str("offline".into())),
        ],
    );
    assert!(eval.node.check_wiring_now().is_err());
    eval.node.wire("set_model", &model).unwrap();
    eval.node.wire("set_train_data", &data).unwrap();
    // user 0: list [0, 1], test {1}: precision 1/2, recall 1; user 1: list [2, 1], test {0, 2}:
    // precision 1/2, recall 1/2.
    let (p, r) = eval.downcast::<PrecisionRecallEvaluator>().unwrap().with(|e| e.scores()).unwrap().unwrap();
    assert_eq!((p, r), (0.5, 0.75));
    assert_eq!(eval.call("evaluate", &[]).unwrap(), crate::role::Arg::None);

    // The file-writing evaluators, with a personalised creator (known items kept).
    let creator = build("ToplistCreatorPersonalized", &[("top_k", Value::Int(2)), ("exclude_known", Value::Int(0))]);
    creator.node.wire("set_model", &model).unwrap();
    let path = |n: &str| Value::Str(dir.join(n).display().to_string());
    let test_kw =
        [("test_file_name", Value::Str(test.display().to_string())), ("test_file_type", Value::Str("offline".into()))];
    let user_lists = build(
        "OfflineUserToplistEvaluator",
        &[test_kw[0].clone(), test_kw[1].clone(), ("output_file_name", path("lists.txt"))],
    );
    let ranks = build(
        "OfflineRankingEvaluator",
        &[test_kw[0].clone(), test_kw[1].clone(), ("output_file_name", path("ranks.txt")), ("top_k", Value::Int(2))],
    );
    for e in [&user_lists, &ranks] {
        assert!(e.call("evaluate", &[]).unwrap_err().to_string().contains("set_train_data"));
        e.node.wire("set_toplist_creator", &creator).unwrap();
        e.node.wire("set_train_data", &data).unwrap();
        e.call("evaluate", &[]).unwrap();
    }
    let read = |n: &str| std::fs::read_to_string(dir.join(n)).unwrap();
    assert_eq!(read("lists.txt"), "0 0,3 1,2\n1 2,-1 1,-2\n");
    // time user item rank prediction id; a missing item: rank top_k + 2, prediction 0.
    assert_eq!(read("ranks.txt"), "0 0 1 1 2 0\n0 1 0 4 0 1\n0 1 2 0 -1 2\n0 1 2 0 -1 3\n");

    // The global list, known pairs excluded.
    let global = build("ToplistCreatorGlobal", &[("top_k", Value::Int(3)), ("exclude_known", Value::Int(1))]);
    let filter = build("FactorModelGlobalRankingScoreIterator", &[]);
    filter.node.wire("set_model", &model).unwrap();
    global.node.wire("set_model", &model).unwrap();
    global.node.wire("set_filter", &filter).unwrap();
    let top = build("OfflineTopListEvaluator", &[("file_name", path("top.txt"))]);
    top.node.wire("set_toplist_creator", &global).unwrap();
    top.node.wire("set_train_data", &data).unwrap();
    top.call("evaluate", &[]).unwrap();
    assert_eq!(read("top.txt"), "0 2 1\n1 1 -2\n1 0 -3\n");
    std::fs::remove_dir_all(&dir).ok();
}
