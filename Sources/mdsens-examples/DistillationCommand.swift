import BilevelExamples
import Foundation

struct DistillationOutput: Codable {
  var prototypes: [[Double]]
  var history: [DatasetDistillation.Record]
  var testAccuracy: Double
  var trainingAccuracy: Double
  var timingSteps: Int
  var innerSteps: Int
  var implicitSeconds: Double
  var unrolledSeconds: Double
}

/// §4.2: one distilled image per digit class; test accuracy and unrolled/implicit time ratio.
func runDistillation(_ options: Options) throws {
  let data = try LabelledDataset.fixture("digits")
  let steps = try options.int("steps", 200)
  let learningRate = try options.double("learning-rate", 0.02)
  let timingSteps = try options.int("timing-steps", 20)
  let innerSteps = try options.int("inner-steps", 100)
  var random = SeededRandom(seed: UInt64(try options.int("seed", 0)))
  let order = random.permutation(data.sampleCount)
  let trainRows = Array(order[..<1_200]), testRows = Array(order[1_200...])
  func split(_ rows: [Int]) -> CrossEntropyLoss {
    var subset = data.subset(rows)
    for index in subset.features.elements.indices { subset.features.elements[index] /= 16 }
    return CrossEntropyLoss(features: subset.features, labels: subset.targets.map { Int($0) }, classCount: 10)
  }
  let training = split(trainRows), test = split(testRows)
  let distillation = DatasetDistillation(outer: training, ridge: 1e-3)
  let θ0 = (0..<(10 * 64)).map { _ in 0.1 * random.gaussian() }
  print("Dataset distillation, digits 8×8: 1,200 training / 597 test images, one prototype per class,")
  print("ε = 1e-3, \(steps) Adam steps (learning rate \(learningRate)), implicit VJP (CG), L-BFGS inner solver")
  let (prototypes, history) = try distillation.distill(from: θ0, steps: steps, learningRate: learningRate)
  let model = distillation.trainModel(prototypes)
  let testAccuracy = test.accuracy(model), trainingAccuracy = training.accuracy(model)
  for record in history where record.step % max(1, steps / 10) == 0 || record.step == steps - 1 {
    print(String(format: "  step %4d  training loss %.4f  (%.3f s)", record.step, record.trainingLoss, record.seconds))
  }
  print(String(format: "accuracy of logistic regression trained on the 10 prototypes: test %.3f, training %.3f",
               testAccuracy, trainingAccuracy))
  let implicit = try distillation.outerLoopWithGradientDescent(
    from: θ0, steps: timingSteps, innerSteps: innerSteps, learningRate: learningRate, mode: .implicit)
  let unrolled = try distillation.outerLoopWithGradientDescent(
    from: θ0, steps: timingSteps, innerSteps: innerSteps, learningRate: learningRate, mode: .unrolled)
  print("timing, \(timingSteps) outer steps with \(innerSteps) inner gradient-descent steps each:")
  print(String(format: "  implicit %.3f s, unrolled %.3f s, ratio unrolled/implicit %.2f",
               implicit.seconds, unrolled.seconds, unrolled.seconds / implicit.seconds))
  print(String(format: "  final training loss: implicit %.4f, unrolled %.4f", implicit.finalLoss, unrolled.finalLoss))
  try OutputFiles.writeJSON(
    DistillationOutput(
      prototypes: (0..<10).map { Array(prototypes[($0 * 64)..<($0 * 64 + 64)]) }, history: history,
      testAccuracy: testAccuracy, trainingAccuracy: trainingAccuracy, timingSteps: timingSteps,
      innerSteps: innerSteps, implicitSeconds: implicit.seconds, unrolledSeconds: unrolled.seconds),
    to: options.output + "/distillation.json")
}
