package dev.causalmm.testing;

import java.lang.reflect.AnnotatedElement;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;

/** Evaluates {@link RequiresData} and {@link Requires} on a test class or method: the first unmet one is the skip reason. */
public final class RequirementCondition implements ExecutionCondition {

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        Optional<AnnotatedElement> element = context.getElement();
        if (element.isEmpty()) return ConditionEvaluationResult.enabled("nothing required");
        Optional<String> why = AnnotationSupport.findAnnotation(element, RequiresData.class)
                .flatMap(d -> TestData.missing(TestData.root(), List.of(d.value())))
                .or(() -> AnnotationSupport.findAnnotation(element, Requires.class)
                        .flatMap(r -> Arrays.stream(r.value()).map(Need::unmet).flatMap(Optional::stream).findFirst()));
        return why.map(ConditionEvaluationResult::disabled).orElseGet(() -> ConditionEvaluationResult.enabled("requirements met"));
    }
}
